/**
 * Scenario 11 by hand, the naive way: multi-row `INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE`
 * statements of 1,000 rows with parameters, one after the other, each its own transaction.
 */
import pg from 'pg'
import type { Job, JobResult, Row } from '../jobs.js'
import { BENCH_COLUMNS, BENCH_POSTGRES, freshTable, upsertFrom } from '../postgres.js'
import { readCsv } from './handwritten.js'

const ROWS_PER_STATEMENT = 1_000

export async function run(job: Job): Promise<JobResult> {
  const { table, drop } = await freshTable(job.output)
  const client = new pg.Client(BENCH_POSTGRES)
  await client.connect()
  let rowsOut = 0
  let pending: Row[] = []
  let inserting: Promise<void> = Promise.resolve()
  const insert = async (rows: Row[]): Promise<void> => {
    const values: string[] = []
    const tuples = rows.map((row, index) => {
      for (const name of BENCH_COLUMNS) values.push(row[name] ?? '')
      const base = index * BENCH_COLUMNS.length
      return `(${BENCH_COLUMNS.map((_, column) => `$${base + column + 1}`).join(', ')})`
    })
    // Parameters are text; the VALUES list takes the table's types from the INSERT.
    await client.query(upsertFrom(table, `VALUES ${tuples.join(', ')}`), values)
    rowsOut += rows.length
  }
  try {
    await readCsv(job.input, (rows, pause) => {
      pending.push(...rows)
      while (pending.length >= ROWS_PER_STATEMENT) {
        const next = pending.slice(0, ROWS_PER_STATEMENT)
        pending = pending.slice(ROWS_PER_STATEMENT)
        inserting = inserting.then(() => insert(next))
      }
      pause(inserting)
    })
    await inserting
    if (pending.length > 0) await insert(pending)
    return { rowsOut }
  } finally {
    await client.end()
    await drop()
  }
}
