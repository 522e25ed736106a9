import type { Database } from 'better-sqlite3'
import { describeError } from '../../core/Failure.js'
import { parseStoredValue } from '../../internal/state/parseStoredValue.js'
import type { StateStore } from '../../core/StateStore.js'
import { resolve } from 'node:path'
import { STATE_BINDING, type StateBinding } from '../../internal/database/stateBinding.js'
import { openDatabase, quoteIdentifier } from './open.js'
import type { SqliteDatabase } from './SqliteDatabase.js'

/**
 * Options of {@link sqliteStateStore}.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface SqliteStateStoreOptions {
  /** The table that holds the state (default `powerflow_state`), created if missing. */
  readonly table?: string
}

/**
 * A {@link powerflow-etl!StateStore} in a SQLite table (`key TEXT PRIMARY KEY, value TEXT, updated_at TEXT`):
 * one database holds the state of many pipelines, each under its key. Each `put` is one SQLite
 * transaction (WAL journal, so it is durable when it returns). Keeping the state in the database
 * a {@link toSqlite} sink loads is what lets a later release write both in one transaction.
 *
 * A file that is not a SQLite database, or a value that is not JSON, rejects with an error naming
 * the file (and the key): never a silent fresh start. A path opens a connection on first use,
 * kept for the store's life (`close()` ends it); a Database given here is left open.
 *
 * @example
 * ```ts
 * import { sqliteStateStore } from 'powerflow-etl/sqlite'
 *
 * const store = sqliteStateStore(':memory:')
 * await store.put('deals', { bookmark: 42 })
 * await store.put('contacts', { bookmark: 7 })
 * console.assert((await store.list()).join() === 'contacts,deals')
 * store.close()
 * ```
 *
 * @param database - a file path, or an open better-sqlite3 Database
 * @param options - the table name
 * @returns the store, with `close()`
 * @category integrations
 * @since 0.2.0
 */
export function sqliteStateStore(
  database: SqliteDatabase,
  options: SqliteStateStoreOptions = {},
): StateStore & { close(): void } {
  const table = quoteIdentifier(options.table ?? 'powerflow_state')
  const where = typeof database === 'string' ? database : database.name
  let opened: { readonly db: Database; readonly owned: boolean } | undefined
  const use = <T>(what: string, work: (db: Database) => T): Promise<T> => {
    try {
      if (opened === undefined) {
        const candidate = openDatabase(database, false)
        try {
          candidate.db.exec(stateTableSql(table))
        } catch (error) {
          if (candidate.owned) candidate.db.close()
          throw error
        }
        opened = candidate
      }
      return Promise.resolve(work(opened.db))
    } catch (error) {
      return Promise.reject(
        new Error(`sqliteStateStore ${where}: cannot ${what}: ${describeError(error)}`, {
          cause: error,
        }),
      )
    }
  }
  const binding: StateBinding = {
    dialect: 'sqlite',
    table,
    sameDatabase: (other) => {
      const file = fileOf(other)
      return other === database || (file !== undefined && file === fileOf(database))
    },
  }
  return {
    [STATE_BINDING]: binding,
    get: (key) =>
      use(`read ${JSON.stringify(key)}`, (db) => {
        const row = db.prepare(`SELECT value FROM ${table} WHERE key = ?`).get(key) as
          { value: string } | undefined
        if (row === undefined) return undefined
        return parseStoredValue(row.value)
      }),
    put: (key, value) => {
      const text = JSON.stringify(value)
      if (text === undefined)
        return Promise.reject(
          new TypeError(
            `sqliteStateStore ${where}: the value for ${JSON.stringify(key)} cannot be written as JSON`,
          ),
        )
      return use(`write ${JSON.stringify(key)}`, (db) => {
        db.prepare(putStateSql(table)).run(key, text, new Date().toISOString())
      })
    },
    delete: (key) =>
      use(`delete ${JSON.stringify(key)}`, (db) => {
        db.prepare(`DELETE FROM ${table} WHERE key = ?`).run(key)
      }),
    list: () =>
      use('list the keys', (db) =>
        (db.prepare(`SELECT key FROM ${table} ORDER BY key`).all() as Array<{ key: string }>).map(
          (row) => row.key,
        ),
      ),
    close() {
      if (opened?.owned === true) opened.db.close()
      opened = undefined
    },
  } as StateStore & { close(): void }
}

/** The state table's definition (`table` quoted). @internal */
export function stateTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL)`
}

/** Writes one key's value: the key, the JSON text, the time. @internal */
export function putStateSql(table: string): string {
  return `INSERT INTO ${table} (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`
}

/** The file a database is, or undefined for one in memory or temporary (never shared). */
function fileOf(database: unknown): string | undefined {
  const name =
    typeof database === 'string' ? database : (database as { name?: unknown } | null)?.name
  if (typeof name !== 'string' || name === '' || name === ':memory:' || name.startsWith('file:'))
    return undefined
  return resolve(name)
}
