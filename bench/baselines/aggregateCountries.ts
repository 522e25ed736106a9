/** Scenario 3 by hand: group by country (sum, count, avg, min, max of amount) → JSON array. */
import type { Job, JobResult } from '../jobs.js'
import { TextOutput, readCsv } from './handwritten.js'

interface Group {
  country: string
  sum: number
  count: number
  min: number
  max: number
}

export async function run(job: Job): Promise<JobResult> {
  const groups = new Map<string, Group>()
  await readCsv(job.input, (rows) => {
    for (const row of rows) {
      const country = row['country'] as string
      const amount = Number(row['amount'])
      const group = groups.get(country)
      if (group === undefined)
        groups.set(country, { country, sum: amount, count: 1, min: amount, max: amount })
      else {
        group.sum += amount
        group.count += 1
        if (amount < group.min) group.min = amount
        if (amount > group.max) group.max = amount
      }
    }
  })
  // The same row shape as PowerFlow's aggregate: `<field>_<measure>`.
  const records = [...groups.values()].map((g) => ({
    country: g.country,
    amount_sum: g.sum,
    amount_count: g.count,
    amount_avg: g.sum / g.count,
    amount_min: g.min,
    amount_max: g.max,
  }))
  const output = new TextOutput(job.output)
  await output.end(
    records.length === 0 ? '[]\n' : `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`,
  )
  return { rowsOut: records.length }
}
