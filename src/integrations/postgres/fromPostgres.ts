import { right } from 'fp-ts/lib/Either.js'
import Cursor from 'pg-cursor'
import type { Flow } from '../../core/Flow.js'
import { describeError } from '../../core/Failure.js'
import { pullSource, type SourceBatch, type SourceStage } from '../../internal/pullSource.js'
import { retryPolicyOf, withRetry } from '../../internal/retry.js'
import {
  BookmarkKeeper,
  incrementalQuery,
  resumedSince,
  type Dialect,
  type IncrementalRead,
} from '../../internal/database/incremental.js'
import { Connection, isTransient, redactorOf } from './connect.js'
import { typeParsers } from './typeParsers.js'
import type { PostgresConnection } from './PostgresConnection.js'

/**
 * Options of {@link fromPostgres}.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface FromPostgresOptions {
  /** The stage name in the report (default `fromPostgres` and the start of the query). */
  readonly name?: string
  /**
   * Rows fetched from the server-side cursor at a time (default 1,000). The next batch is fetched
   * only once the run has taken the previous one, so at most about `batchRows` plus the run's
   * high-water mark rows are in memory, however large the table.
   */
  readonly batchRows?: number
  /**
   * Incremental reads: only rows whose `column` is after `value` (`>`; `>=` with `inclusive`),
   * in `column` order and then `tieBreaker` order (give the primary key, so rows of equal value
   * always come in the same order). The report's `bookmark` section, `{ field, value }`, holds the
   * value in the last row read: once the run completed, give it as the next run's `value`.
   * Without `value`, every row is read (in order) and the bookmark set.
   */
  readonly since?: {
    readonly column: string
    readonly value?: unknown
    readonly inclusive?: boolean
    readonly tieBreaker?: string | readonly string[]
  }
  /** `bigint` (int8) columns as `'string'` (default: exact), `'number'` (exact up to 2^53) or `'bigint'`. */
  readonly int8?: 'string' | 'number' | 'bigint'
  /** `numeric` columns as `'string'` (default: exact) or `'number'` (a float). */
  readonly numeric?: 'string' | 'number'
  /** Connection attempts after the first one, for a refused or lost connection (default 3). */
  readonly retries?: number
  /** The smallest backoff delay between connection attempts (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). */
  readonly maxDelayMs?: number
}

const DEFAULT_BATCH_ROWS = 1_000

/**
 * A source of the rows of a SQL query on PostgreSQL, streamed through a server-side cursor
 * (`pg-cursor`): rows are fetched `batchRows` at a time and only while the run has budget, so a
 * slow sink makes the source read slowly instead of reading the whole table into memory.
 *
 * Values are typed as node-postgres does, with these choices: `bigint` and `numeric` are exact
 * strings (see the `int8` and `numeric` options); `timestamptz` is a `Date`; `timestamp` without
 * time zone is a `Date` read as UTC; `date` is its `YYYY-MM-DD` text; `json` and `jsonb` are
 * parsed; `boolean`, integers and floats are JavaScript's; arrays are arrays; `bytea` is a
 * Buffer. The stage's `details` report `fetched` (rows fetched so far) and `batches`.
 *
 * A connection that cannot be made is retried (`retries`); one lost while reading, or a query
 * the server rejects, fails the run with the server's message (never a password). Unsubscribing or
 * an abort closes the cursor and the connection (a pooled client goes back to the pool).
 *
 * @example
 * ```ts
 * import { pipe, toArray } from 'powerflow-etl'
 * import { fromPostgres } from 'powerflow-etl/postgres'
 *
 * const report = await pipe(
 *   fromPostgres(
 *     'postgres://postgres@127.0.0.1:5432/test',
 *     'SELECT n, n * 2 AS twice FROM generate_series(1, $1::int) AS n',
 *     [3],
 *     { int8: 'number' },
 *   ),
 *   toArray(),
 * )
 * console.assert(report.records.length === 3 && report.records[2]?.['twice'] === 6)
 * ```
 *
 * @param connection - a connection string, a client configuration or a `pg.Pool`
 * @param sql - the query; `$1`, `$2`, … for the parameters
 * @param params - the query's parameters
 * @param options - batch size, incremental reads, number types and retries
 * @returns a flow of the rows, as objects keyed by column name
 * @category integrations
 * @since 0.2.0
 */
export function fromPostgres(
  connection: PostgresConnection,
  sql: string,
  params: readonly unknown[] = [],
  options: FromPostgresOptions = {},
): Flow<Record<string, unknown>> {
  const batchRows = Math.floor(options.batchRows ?? DEFAULT_BATCH_ROWS)
  if (!(batchRows >= 1))
    throw new TypeError(`fromPostgres: batchRows must be a whole number of at least 1`)
  const name = options.name ?? `fromPostgres ${excerpt(sql)}`
  const redactor = redactorOf(connection)
  const dialect: Dialect = {
    quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
    placeholder: (position) => `$${position}`,
  }
  // With the `state` run option, the saved bookmark is known only when the run opens the source.
  const queryOf = async (): Promise<IncrementalRead> => {
    if (options.since === undefined) return { sql, params: [...params], since: undefined }
    const since = await resumedSince(name, options.since)
    return { ...incrementalQuery(sql, params, since, dialect), since }
  }
  const types = typeParsers(options)

  return pullSource<Record<string, unknown>>(name, async (signal, stage) =>
    readRows(connection, await queryOf(), options, batchRows, types, signal, stage, name, (error) =>
      redactor.error(error),
    ),
  )
}

async function* readRows(
  connection: PostgresConnection,
  query: IncrementalRead,
  options: FromPostgresOptions,
  batchRows: number,
  types: ReturnType<typeof typeParsers>,
  signal: AbortSignal,
  stage: SourceStage,
  name: string,
  redact: (error: unknown) => Error,
): AsyncGenerator<SourceBatch<Record<string, unknown>>> {
  const fail = (what: string, error: unknown): Error =>
    new Error(`${name}: ${what}: ${redact(error).message}`, { cause: redact(error) })
  let open: Connection
  try {
    open = await withRetry(() => Connection.open(connection), {
      ...retryPolicyOf(options),
      signal,
      isRetryable: isTransient,
    })
  } catch (error) {
    if (signal.aborted) throw error
    throw fail('cannot connect', error)
  }
  const bookmark =
    query.since === undefined ? undefined : new BookmarkKeeper(stage.sections, query.since, name)
  const cursor = open.client.query(new Cursor(query.sql, query.params, { types }))
  // A read blocked on the server ends when the run goes away: the connection is cut.
  const onAbort = (): void => void open.release(true)
  signal.addEventListener('abort', onAbort, { once: true })
  let fetched = 0
  let batches = 0
  let done = false
  try {
    for (;;) {
      let rows: Array<Record<string, unknown>>
      try {
        rows = (await cursor.read(batchRows)) as Array<Record<string, unknown>>
      } catch (error) {
        if (signal.aborted) return
        throw fail(batches === 0 ? 'the query failed' : `reading after ${fetched} rows`, error)
      }
      if (rows.length === 0) break
      fetched += rows.length
      batches += 1
      yield { items: rows.map((row) => right(row)), details: { fetched, batches } }
      bookmark?.read(rows)
    }
    done = true
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(name)) throw error
    throw new Error(`${name}: ${describeError(redact(error))}`, { cause: error })
  } finally {
    signal.removeEventListener('abort', onAbort)
    if (!signal.aborted) {
      if (done) await cursor.close().catch(() => undefined)
      await open.release(!done)
    }
  }
}

function excerpt(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat
}
