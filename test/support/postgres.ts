/**
 * The local PostgreSQL of the tests (127.0.0.1:5432, trust auth, database `test`; CI starts it):
 * each test gets a schema of its own, unique per run, dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The test server; override with POWERFLOW_TEST_POSTGRES. */
export const POSTGRES_URL =
  process.env['POWERFLOW_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A schema for one test and a client to look at it with. */
export interface TestSchema {
  readonly name: string
  readonly client: pg.Client
  /** `schema.table`, quoted as needed for SQL text. */
  readonly table: (table: string) => string
  readonly drop: () => Promise<void>
}

/** Creates a schema named after `prefix`, this process and a random suffix. */
export async function createSchema(prefix: string): Promise<TestSchema> {
  const name = `pf_${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`
  const client = new pg.Client(POSTGRES_URL)
  client.on('error', () => undefined)
  await client.connect()
  await client.query(`CREATE SCHEMA ${name}`)
  return {
    name,
    client,
    table: (table) => `${name}.${table}`,
    drop: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
      await client.end()
    },
  }
}
