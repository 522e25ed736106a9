/**
 * What the Postgres scenarios share on both sides: the server, the target table (made fresh for
 * each job, dropped after it) and the upsert statement the hand-written loops use. Both sides load
 * the CSV's string fields as they are; the table's column types do the casting.
 */
import pg from 'pg'
import { COLUMNS } from './generate.js'

/** The benchmark's server; override with POWERFLOW_BENCH_POSTGRES. */
export const BENCH_POSTGRES =
  process.env['POWERFLOW_BENCH_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Rows per transaction on both sides. */
export const BENCH_BATCH_ROWS = 10_000

export const BENCH_COLUMNS: readonly string[] = COLUMNS

/** A fresh empty table named after the job's output file, and a function that drops it. */
export async function freshTable(
  output: string,
): Promise<{ table: string; drop: () => Promise<void> }> {
  const name = `bench_${output.replace(/^.*\//, '').replace(/\W/g, '_')}_${process.pid}`
  const client = new pg.Client(BENCH_POSTGRES)
  await client.connect()
  await client.query(`DROP TABLE IF EXISTS ${name}`)
  await client.query(`CREATE TABLE ${name} (id bigint PRIMARY KEY, email text, first_name text,
    last_name text, country text, company text, amount numeric, created_at timestamptz, active boolean)`)
  return {
    table: name,
    drop: async () => {
      await client.query(`DROP TABLE IF EXISTS ${name}`)
      await client.end()
    },
  }
}

/** `INSERT INTO table (…) SELECT … FROM source ON CONFLICT (id) DO UPDATE SET …`. */
export function upsertFrom(table: string, source: string): string {
  const list = BENCH_COLUMNS.join(', ')
  const updates = BENCH_COLUMNS.filter((name) => name !== 'id')
    .map((name) => `${name} = EXCLUDED.${name}`)
    .join(', ')
  return `INSERT INTO ${table} (${list}) ${source} ON CONFLICT (id) DO UPDATE SET ${updates}`
}
