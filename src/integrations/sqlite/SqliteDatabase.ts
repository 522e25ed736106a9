import type { Database } from 'better-sqlite3'

/**
 * What {@link fromSqlite} and {@link toSqlite} read and write: the path of a database file, or a
 * `better-sqlite3` Database you opened (for `:memory:`, or your own pragmas). A stage given a
 * path opens its own connection and closes it when the run ends; one given a Database leaves it
 * open.
 *
 * @category integrations
 * @since 0.2.0
 */
export type SqliteDatabase = string | Database
