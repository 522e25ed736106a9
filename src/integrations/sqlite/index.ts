/**
 * `powerflow-etl/sqlite`: SQLite sources and sinks over better-sqlite3 — the embedded database,
 * no server: for examples, local analysis and tests. `better-sqlite3` is an optional peer
 * dependency, loaded only here.
 *
 * @packageDocumentation
 * @module powerflow-etl/sqlite
 */
export { fromSqlite, type FromSqliteOptions } from './fromSqlite.js'
export { toSqlite, type ToSqliteOptions } from './toSqlite.js'
export type { SqliteDatabase } from './SqliteDatabase.js'
export { sqliteStateStore, type SqliteStateStoreOptions } from './sqliteStateStore.js'
