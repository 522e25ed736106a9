/** Scenario 2 by hand: filter → map → dedupe by email (first wins) → CSV. */
import { clean, keep, type Job, type JobResult } from '../jobs.js'
import { EOL, TextOutput, csvCell, csvLine, readCsv } from './handwritten.js'

export async function run(job: Job): Promise<JobResult> {
  const output = new TextOutput(job.output)
  const seen = new Set<string>()
  let columns: string[] | undefined
  let rowsOut = 0
  await readCsv(job.input, (rows, pause) => {
    let text = ''
    for (const row of rows) {
      if (!keep(row)) continue
      const record = clean(row)
      if (seen.has(record.email)) continue
      seen.add(record.email)
      if (columns === undefined) {
        columns = Object.keys(record)
        text += columns.map(csvCell).join(',') + EOL
      }
      text += csvLine(record, columns)
      rowsOut++
    }
    const full = output.write(text)
    if (full !== undefined) pause(full)
  })
  await output.end()
  return { rowsOut, details: { distinctKeys: seen.size } }
}
