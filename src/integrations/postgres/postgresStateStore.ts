import type pg from 'pg'
import type { StateStore } from '../../core/StateStore.js'
import { describeError } from '../../core/Failure.js'
import { parseStoredValue } from '../../internal/state/parseStoredValue.js'
import { STATE_BINDING, type StateBinding } from '../../internal/database/stateBinding.js'
import { Connection, databaseOf, quoteName, redactorOf, splitName } from './connect.js'
import type { PostgresConnection } from './PostgresConnection.js'

/**
 * Options of {@link postgresStateStore}.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface PostgresStateStoreOptions {
  /** The table that holds the state (default `powerflow_state`, or `schema.table`), created if missing. */
  readonly table?: string
}

/**
 * A {@link powerflow-etl!StateStore} in a PostgreSQL table (`key text PRIMARY KEY, value text,
 * updated_at timestamptz`): one database holds the state of many pipelines, each under its key;
 * each `put` is one transaction.
 *
 * Given as the `state` of a {@link toPostgres} run that loads into the same database (the same
 * pool or configuration, or a connection string with the same host, port and database), the state
 * is written by the sink in the transaction of the rows it covers, and the load is exactly-once:
 * the whole run is one transaction that commits the rows and the sources' positions together, so a
 * crash leaves both as they were and the next run reads from the last committed position.
 *
 * A value that is not JSON rejects with an error naming the table and the key: never a silent
 * fresh start. A string or configuration opens a connection for each call; a pool lends one.
 *
 * @example
 * ```ts
 * import { postgresStateStore } from 'powerflow-etl/postgres'
 *
 * const table = `state_example_${process.pid}`
 * const store = postgresStateStore('postgres://postgres@127.0.0.1:5432/test', { table })
 * await store.put('deals', { bookmark: 42 })
 * console.assert(((await store.get('deals')) as { bookmark: number }).bookmark === 42)
 *
 * const pg = (await import('pg')).default
 * const client = new pg.Client('postgres://postgres@127.0.0.1:5432/test')
 * await client.connect()
 * await client.query(`DROP TABLE ${table}`)
 * await client.end()
 * ```
 *
 * @param connection - a connection string, a client configuration or a `pg.Pool`
 * @param options - the table name
 * @returns the store
 * @see {@link toPostgres}
 * @category integrations
 * @since 0.2.0
 */
export function postgresStateStore(
  connection: PostgresConnection,
  options: PostgresStateStoreOptions = {},
): StateStore {
  const name = options.table ?? 'powerflow_state'
  splitName(name)
  const table = quoteName(name)
  const redactor = redactorOf(connection)
  const where = `postgresStateStore ${name}`
  let created = false
  const use = async <T>(what: string, work: (open: Connection) => Promise<T>): Promise<T> => {
    let open: Connection | undefined
    try {
      open = await Connection.open(connection)
      if (!created) {
        await createStateTable(open.client, table)
        created = true
      }
      return await work(open)
    } catch (error) {
      throw new Error(`${where}: cannot ${what}: ${redactor.text(describeError(error))}`, {
        cause: redactor.error(error),
      })
    } finally {
      await open?.release()
    }
  }
  const binding: StateBinding = {
    dialect: 'postgres',
    table,
    sameDatabase: (other) =>
      other === connection || databaseOf(other as PostgresConnection) === databaseOf(connection),
  }
  return {
    [STATE_BINDING]: binding,
    get: (key) =>
      use(`read ${JSON.stringify(key)}`, async (open) => {
        const result = await open.client.query<{ value: string }>(
          `SELECT value FROM ${table} WHERE key = $1`,
          [key],
        )
        const row = result.rows[0]
        if (row === undefined) return undefined
        return parseStoredValue(row.value)
      }),
    put: async (key, value) => {
      const text = JSON.stringify(value)
      if (text === undefined)
        throw new TypeError(
          `${where}: the value for ${JSON.stringify(key)} cannot be written as JSON`,
        )
      await use(`write ${JSON.stringify(key)}`, async (open) => {
        await open.client.query(putStateSql(table), [key, text])
      })
    },
    delete: (key) =>
      use(`delete ${JSON.stringify(key)}`, async (open) => {
        await open.client.query(`DELETE FROM ${table} WHERE key = $1`, [key])
      }),
    list: () =>
      use('list the keys', async (open) => {
        const result = await open.client.query<{ key: string }>(
          `SELECT key FROM ${table} ORDER BY key COLLATE "C"`,
        )
        return result.rows.map((row) => row.key)
      }),
  } as StateStore
}

/**
 * Creates the state table if it is missing. Two connections creating it at once (the store and a
 * sink of the same run) race in the catalog: the loser's unique violation means it exists. @internal
 */
export async function createStateTable(client: pg.ClientBase, table: string): Promise<void> {
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (key text PRIMARY KEY, value text NOT NULL, updated_at timestamptz NOT NULL)`,
    )
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code !== '23505' && code !== '42P07') throw error
  }
}

/** Writes one key's value: `$1` the key, `$2` the JSON text. @internal */
export function putStateSql(table: string): string {
  return `INSERT INTO ${table} (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`
}
