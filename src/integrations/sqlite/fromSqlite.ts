import { right } from 'fp-ts/lib/Either.js'
import type { Flow } from '../../core/Flow.js'
import { describeError } from '../../core/Failure.js'
import { pullSource, type SourceBatch, type SourceStage } from '../../internal/pullSource.js'
import {
  BookmarkKeeper,
  incrementalQuery,
  resumedSince,
  type Dialect,
  type IncrementalRead,
} from '../../internal/database/incremental.js'
import { openDatabase, quoteIdentifier, readerOfDeclaredType } from './open.js'
import type { SqliteDatabase } from './SqliteDatabase.js'

/**
 * Options of {@link fromSqlite}.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface FromSqliteOptions {
  /** The stage name in the report (default `fromSqlite` and the start of the query). */
  readonly name?: string
  /** Rows taken from the statement at a time (default 1,000), only while the run has budget. */
  readonly batchRows?: number
  /**
   * Incremental reads, as {@link powerflow-etl/postgres!fromPostgres}'s: rows whose `column` is after `value`, in
   * `column` then `tieBreaker` order; the report's `bookmark` holds the last row's value.
   */
  readonly since?: {
    readonly column: string
    readonly value?: unknown
    readonly inclusive?: boolean
    readonly tieBreaker?: string | readonly string[]
  }
  /** Integers as `'number'` (default; exact up to 2^53) or as `'bigint'` (always exact). */
  readonly integers?: 'number' | 'bigint'
}

/**
 * A source of the rows of a SQL query on SQLite (better-sqlite3): rows are taken from the
 * statement's iterator `batchRows` at a time, only while the run has budget, so a slow sink never
 * makes it read the whole table.
 *
 * Values are SQLite's (text, numbers, Buffers for blobs, null), mapped by the column's declared
 * type: `TIMESTAMP`/`DATETIME` text becomes a `Date` (UTC when the text has no zone), `BOOLEAN`
 * a boolean, `JSON` text is parsed. Integers are numbers unless `integers: 'bigint'`.
 *
 * The statement holds its connection while the run reads: a Database given here cannot be used
 * for anything else (such as a `toSqlite` sink) until the run ends; give a path to get a
 * connection of its own (opened read-only, closed at the end). A query SQLite rejects fails the
 * run with SQLite's message. Unsubscribing ends the statement.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { pipe, toArray } from 'powerflow-etl'
 * import { fromSqlite } from 'powerflow-etl/sqlite'
 *
 * const db = new Database(':memory:')
 * db.exec(`CREATE TABLE deals (id TEXT, amount REAL, closed_at TIMESTAMP);
 *          INSERT INTO deals VALUES ('D-1', 1200, '2026-01-05 10:00:00'), ('D-2', 800, NULL)`)
 * const report = await pipe(fromSqlite(db, 'SELECT * FROM deals WHERE amount > ?', [100]), toArray())
 * console.assert(report.records.length === 2 && report.records[0]?.['closed_at'] instanceof Date)
 * ```
 *
 * @param database - a file path, or an open better-sqlite3 Database
 * @param sql - the query; `?` for the parameters
 * @param params - the query's parameters
 * @param options - batch size, incremental reads and integers
 * @returns a flow of the rows, as objects keyed by column name
 * @category integrations
 * @since 0.2.0
 */
export function fromSqlite(
  database: SqliteDatabase,
  sql: string,
  params: readonly unknown[] = [],
  options: FromSqliteOptions = {},
): Flow<Record<string, unknown>> {
  const batchRows = Math.floor(options.batchRows ?? 1_000)
  if (!(batchRows >= 1))
    throw new TypeError('fromSqlite: batchRows must be a whole number of at least 1')
  const flat = sql.replace(/\s+/g, ' ').trim()
  const name = options.name ?? `fromSqlite ${flat.length > 60 ? `${flat.slice(0, 57)}…` : flat}`
  const dialect: Dialect = {
    quote: quoteIdentifier,
    placeholder: () => '?',
  }
  // With the `state` run option, the saved bookmark is known only when the run opens the source.
  const queryOf = async (): Promise<IncrementalRead> => {
    if (options.since === undefined) return { sql, params: [...params], since: undefined }
    const since = await resumedSince(name, options.since)
    return { ...incrementalQuery(sql, params, since, dialect), since }
  }
  return pullSource<Record<string, unknown>>(name, async (_signal, stage) =>
    readRows(database, await queryOf(), options, batchRows, stage, name),
  )
}

async function* readRows(
  database: SqliteDatabase,
  query: IncrementalRead,
  options: FromSqliteOptions,
  batchRows: number,
  stage: SourceStage,
  name: string,
): AsyncGenerator<SourceBatch<Record<string, unknown>>> {
  let opened: ReturnType<typeof openDatabase>
  let iterator: IterableIterator<unknown>
  let readers: Array<[string, (value: unknown) => unknown]>
  try {
    opened = openDatabase(database, true)
  } catch (error) {
    throw new Error(`${name}: cannot open ${String(database)}: ${describeError(error)}`, {
      cause: error,
    })
  }
  try {
    const statement = opened.db.prepare(query.sql)
    if (!statement.reader) throw new Error('the statement returns no rows')
    if (options.integers === 'bigint') statement.safeIntegers(true)
    readers = statement.columns().flatMap((column) => {
      const reader = readerOfDeclaredType(column.type)
      return reader === undefined
        ? []
        : [[column.name, reader] as [string, (value: unknown) => unknown]]
    })
    iterator = statement.iterate(...query.params) as IterableIterator<unknown>
  } catch (error) {
    if (opened.owned) opened.db.close()
    throw new Error(`${name}: the query failed: ${describeError(error)}`, { cause: error })
  }
  const bookmark =
    query.since === undefined ? undefined : new BookmarkKeeper(stage.sections, query.since, name)
  let fetched = 0
  let batches = 0
  try {
    for (;;) {
      const rows: Array<Record<string, unknown>> = []
      try {
        while (rows.length < batchRows) {
          const step = iterator.next()
          if (step.done === true) break
          const row = step.value as Record<string, unknown>
          for (const [column, reader] of readers) row[column] = reader(row[column])
          rows.push(row)
        }
      } catch (error) {
        throw new Error(`${name}: reading after ${fetched} rows: ${describeError(error)}`, {
          cause: error,
        })
      }
      if (rows.length === 0) break
      fetched += rows.length
      batches += 1
      yield { items: rows.map((row) => right(row)), details: { fetched, batches } }
      bookmark?.read(rows)
    }
  } finally {
    iterator.return?.()
    if (opened.owned) opened.db.close()
  }
}
