/**
 * Scenario 10 by hand: the CSV read in chunks, rows gathered into batches of 10,000, each batch
 * copied with pg-copy-streams (text format) into a temporary staging table and upserted into the
 * target in the same transaction — the loop PowerFlow's toPostgres does, without its accounting.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Job, JobResult, Row } from '../jobs.js'
import {
  BENCH_BATCH_ROWS,
  BENCH_COLUMNS,
  BENCH_POSTGRES,
  freshTable,
  upsertFrom,
} from '../postgres.js'
import { readCsv } from './handwritten.js'

const escape = (text: string): string =>
  /[\\\n\r\t]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    : text

export async function run(job: Job): Promise<JobResult> {
  const { table, drop } = await freshTable(job.output)
  const client = new pg.Client(BENCH_POSTGRES)
  await client.connect()
  const list = BENCH_COLUMNS.join(', ')
  let rowsOut = 0
  let batch: Row[] = []
  let loading: Promise<void> = Promise.resolve()
  const load = async (rows: Row[]): Promise<void> => {
    await client.query('BEGIN')
    await client.query(
      `CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT ${list} FROM ${table} WITH NO DATA`,
    )
    const text = rows
      .map((row) => BENCH_COLUMNS.map((name) => escape(row[name] ?? '')).join('\t'))
      .join('\n')
    await pipeline(
      Readable.from([text + '\n']),
      client.query(copyFrom(`COPY stage (${list}) FROM STDIN`)),
    )
    await client.query(upsertFrom(table, `SELECT ${list} FROM stage`))
    await client.query('COMMIT')
    rowsOut += rows.length
  }
  try {
    await readCsv(job.input, (rows, pause) => {
      batch.push(...rows)
      if (batch.length >= BENCH_BATCH_ROWS) {
        const full = batch
        batch = []
        loading = loading.then(() => load(full))
        pause(loading)
      }
    })
    await loading
    if (batch.length > 0) await load(batch)
    return { rowsOut }
  } finally {
    await client.end()
    await drop()
  }
}
