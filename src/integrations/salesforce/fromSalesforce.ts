import { right } from 'fp-ts/lib/Either.js'
import type { Flow } from '../../core/Flow.js'
import { failure } from '../../core/Failure.js'
import { pullSource, type SourceBatch, type SourceStage } from '../../internal/pullSource.js'
import type { SalesforceConnection } from './SalesforceConnection.js'
import { BookmarkTracker } from './internal/BookmarkTracker.js'
import { rememberBookmark, savedBookmark } from '../../internal/savedBookmark.js'
import { bulkPages } from './internal/bulkQuery.js'
import type { RecordsPage } from './internal/records.js'
import { restPages } from './internal/restQuery.js'
import { SalesforceApi, SalesforceApiError } from './internal/SalesforceApi.js'
import { reportBookmark, runStats } from './internal/SalesforceStats.js'
import { buildQuery, type BuiltQuery } from './internal/soql.js'

/**
 * What {@link fromSalesforce} reads: SOQL, or the Python original's structured form
 * (`object_type`, `fields`, `where_clause`, `limit` there).
 *
 * @category integrations
 * @since 0.2.0
 */
export type SalesforceQuery =
  | string
  | {
      /** The sObject, such as `Account` or `Invoice__c`. */
      readonly object: string
      /** The fields to read, such as `['Id', 'Name', 'Owner.Email']`. */
      readonly fields: readonly string[]
      /** A SOQL condition without the `WHERE`, such as `Industry = 'Retail'`. */
      readonly where?: string
      readonly limit?: number
    }

/**
 * A record read from Salesforce: its fields, without Salesforce's `attributes` member.
 *
 * @category integrations
 * @since 0.2.0
 */
export type SalesforceRecord = Record<string, unknown>

/**
 * Options of {@link fromSalesforce}.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface FromSalesforceOptions {
  /** The stage name in the report (default `fromSalesforce <object>`). */
  readonly name?: string
  /**
   * `rest` (default): the query API, page by page through `nextRecordsUrl`, typed JSON values.
   * `bulk`: a Bulk API 2.0 query job, for large volumes; values are strings (it answers CSV).
   * `auto`: starts with REST and switches to bulk when the first page says the query matches at
   * least `bulkThreshold` records and the query can run in bulk.
   */
  readonly mode?: 'rest' | 'bulk' | 'auto'
  /**
   * Reads only records whose `field` is at least `value` (less `lookbackMs`), ordered by the
   * field and then `Id`, and reports the largest value read as `report.bookmark`, for the next
   * run. Without `value`, reads everything and still reports the bookmark. Needs the
   * `{ object, fields }` query form; the field and `Id` are added to the fields if missing.
   */
  readonly since?: { readonly field: string; readonly value?: string | number | Date }
  /**
   * Reads only the records whose `field` is at least `from` and before `to` (ISO 8601 date-times,
   * or dates for a date field): one task of a job split by time with `splitTimeRange` from
   * `powerflow-etl/distributed`, so that a record at a boundary is read by one task only. In the
   * `{ object, fields, where }` form the condition joins `where` and the records come in the
   * order of the field, then `Id`; in SOQL it joins the query's own `WHERE` and its `ORDER BY`
   * is kept. Not with `since`, `lookbackMs`, `limit`, `LIMIT`, `OFFSET`, `GROUP BY` or an
   * aggregate (each task would apply them to its own part), and the `state` run option does not
   * apply: a task reads exactly its window.
   */
  readonly range?: {
    readonly field: string
    readonly from: string | Date
    readonly to: string | Date
  }
  /**
   * How far before `since.value` to start (default 0): records can commit late with an earlier
   * timestamp. The records in the overlap are read again — expect duplicates at the boundary.
   */
  readonly lookbackMs?: number
  /** Records per REST page asked for (200–2,000; default 2,000). */
  readonly pageSize?: number
  /** Records per Bulk results page (default 50,000). */
  readonly bulkPageSize?: number
  /** In `auto` mode, the number of matching records from which Bulk is used (default 10,000). */
  readonly bulkThreshold?: number
  /** The first wait between polls of a Bulk job (default 500 ms); it doubles up to 10 s. */
  readonly pollIntervalMs?: number
  /** The longest wait between polls of a Bulk job (default 10 s). */
  readonly maxPollIntervalMs?: number
  /** How long a Bulk job may take (default 1 hour). */
  readonly jobTimeoutMs?: number
  /** Time limit of each request attempt (default 120 s). A timeout is retried. */
  readonly timeoutMs?: number
  /** Retries of a request after its first attempt (default 3): 429, 5xx, network errors. */
  readonly retries?: number
  /** The smallest backoff delay (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). */
  readonly maxDelayMs?: number
  /** The longest `Retry-After` honoured (default 60 s). */
  readonly maxRetryAfterMs?: number
}

const DEFAULTS = {
  pageSize: 2_000,
  bulkPageSize: 50_000,
  bulkThreshold: 10_000,
  pollIntervalMs: 500,
  maxPollIntervalMs: 10_000,
  jobTimeoutMs: 60 * 60_000,
} as const

/**
 * A source of the records a SOQL query matches, read page by page: the next page is requested
 * only when the run has room for it, so a slow sink slows the requests and memory stays flat.
 * Records come without Salesforce's `attributes` member.
 *
 * 429 and 5xx answers and network errors are retried with backoff (and `Retry-After`); an expired
 * session is renewed once. When the org's daily API quota is used up (`REQUEST_LIMIT_EXCEEDED`),
 * the source stops cleanly: the records read so far go on to the sink, the run completes with a
 * `SalesforceWarning` saying so, `report.salesforce.stoppedEarly` is set, and `report.bookmark`
 * says where the next run starts. Other errors (a malformed query, a failed Bulk job) fail the run
 * with Salesforce's error code and message. Unsubscribing cancels the request in flight and
 * deletes a Bulk job.
 *
 * With `range`, it reads one window of a job split by time (`splitTimeRange` in
 * `powerflow-etl/distributed`): workers read the windows at once, each record exactly once.
 *
 * @example
 * ```ts
 * // @snippet compile-only: needs a Salesforce org (the tests run the same against a local one)
 * import { pipe, toCsv } from 'powerflow-etl'
 * import { salesforce, fromSalesforce } from 'powerflow-etl/salesforce'
 *
 * const org = salesforce() // SF_INSTANCE_URL + SF_ACCESS_TOKEN, or the other SF_ variables
 * const report = await pipe(
 *   fromSalesforce(
 *     org,
 *     { object: 'Account', fields: ['Id', 'Name', 'Industry'], where: "Industry = 'Retail'" },
 *     { since: { field: 'SystemModstamp', value: '2026-01-01T00:00:00Z' }, lookbackMs: 60_000 },
 *   ),
 *   toCsv('accounts.csv'),
 * )
 * console.log(report.written, report.bookmark, report.salesforce?.apiUsage)
 * ```
 *
 * @example
 * ```ts
 * // @snippet compile-only: a job module (see runTasks); its tasks come from splitTimeRange
 * import { pipe, toJson } from 'powerflow-etl'
 * import type { TaskBuild, TimeRangeTask } from 'powerflow-etl/distributed'
 * import { salesforce, fromSalesforce } from 'powerflow-etl/salesforce'
 *
 * export const build: TaskBuild<TimeRangeTask> = (task, context) =>
 *   pipe(
 *     fromSalesforce(salesforce(), 'SELECT Id, Name FROM Account WHERE IsDeleted = false', {
 *       range: task, // adds AND CreatedDate >= task.from AND CreatedDate < task.to
 *     }),
 *     toJson(context.output, { format: 'ndjson', signal: context.signal }),
 *   )
 * ```
 *
 * @param connection - the org, from {@link salesforce}
 * @param query - SOQL, or `{ object, fields, where, limit }`
 * @param options - mode, incremental start or a task's window, page sizes and retries
 * @returns a flow of the records
 * @category integrations
 * @since 0.2.0
 */
export function fromSalesforce<A extends SalesforceRecord = SalesforceRecord>(
  connection: SalesforceConnection,
  query: SalesforceQuery,
  options: FromSalesforceOptions = {},
): Flow<A> {
  const what = typeof query === 'string' ? objectOf(query) : query.object
  const name = options.name ?? `fromSalesforce ${what}`
  const mode = options.mode ?? 'rest'
  if (mode !== 'rest' && mode !== 'bulk' && mode !== 'auto')
    throw new TypeError(`${name}: mode must be rest, bulk or auto (got ${String(mode)})`)
  const lookbackMs = options.lookbackMs ?? 0
  if (!(Number.isFinite(lookbackMs) && lookbackMs >= 0))
    throw new TypeError(`${name}: lookbackMs must be a number of at least 0`)
  checkNumbers(name, options)
  const range = options.range
  if (range !== undefined && (options.since !== undefined || options.lookbackMs !== undefined))
    throw new TypeError(
      `${name}: range reads one task's window; since and lookbackMs are for incremental runs, not with it`,
    )
  const built = buildQuery(query, options.since, lookbackMs, name, range)
  if (mode === 'bulk' && !built.bulkable)
    throw new TypeError(
      `${name}: this query cannot run as a Bulk API 2.0 job (subquery, GROUP BY, OFFSET, TYPEOF or an aggregate); use mode 'rest'`,
    )
  return pullSource<A>(name, async (signal, stage) => {
    // With the `state` run option, the last committed run's bookmark replaces since's value
    // (lookbackMs still applies).
    const saved =
      options.since === undefined ? undefined : await savedBookmark(name, options.since.field)
    if (saved === undefined || options.since === undefined)
      return read<A>(connection, built, mode, options, signal, stage, name)
    const since = { ...options.since, value: saved }
    return read<A>(
      connection,
      buildQuery(query, since, lookbackMs, name),
      mode,
      { ...options, since },
      signal,
      stage,
      name,
    )
  })
}

async function* read<A>(
  connection: SalesforceConnection,
  query: BuiltQuery,
  mode: 'rest' | 'bulk' | 'auto',
  options: FromSalesforceOptions,
  signal: AbortSignal,
  stage: SourceStage,
  name: string,
): AsyncGenerator<SourceBatch<A>> {
  const stats = runStats(stage.sections)
  const tracker = options.since === undefined ? undefined : new BookmarkTracker(options.since)
  if (tracker !== undefined) {
    reportBookmark(stage.sections, () => tracker.current())
    rememberBookmark(name, () => tracker.current())
  }
  const api = new SalesforceApi(connection, options, stats, signal)
  let pages = 0
  let records = 0
  try {
    for await (const page of pagesOf(api, query, mode, options, signal, name, tracker)) {
      pages += 1
      records += page.records.length
      tracker?.see(page.records)
      if (page.records.length === 0) continue
      yield {
        items: page.records.map((record) => right(record as A)),
        bytes: page.bytes,
        details: { pages, records, mode: stats.mode },
      }
    }
    tracker?.finish()
  } catch (error) {
    if (!(error instanceof SalesforceApiError && error.isQuotaExceeded)) throw error
    stats.stoppedEarly = error.message
    const bookmark = tracker?.current()
    stage.warn(
      failure('SalesforceWarning', {
        stage: name,
        reason: `stopped early after ${records} records: ${error.message}${bookmark === undefined ? '' : `. The next run can start from ${bookmark.field} ${String(bookmark.value)} (report.bookmark)`}`,
      }),
    )
  } finally {
    await api.close()
  }
}

/** The pages to read, by mode; `auto` looks at the first REST page before it decides. */
async function* pagesOf(
  api: SalesforceApi,
  query: BuiltQuery,
  mode: 'rest' | 'bulk' | 'auto',
  options: FromSalesforceOptions,
  signal: AbortSignal,
  name: string,
  tracker: BookmarkTracker | undefined,
): AsyncGenerator<RecordsPage> {
  const bulk = (): AsyncGenerator<RecordsPage> => {
    api.stats.mode = 'bulk'
    if (tracker !== undefined) tracker.ordered = false
    return bulkPages(
      api,
      query.bulk,
      {
        pageSize: options.bulkPageSize ?? DEFAULTS.bulkPageSize,
        pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
        maxPollIntervalMs: options.maxPollIntervalMs ?? DEFAULTS.maxPollIntervalMs,
        jobTimeoutMs: options.jobTimeoutMs ?? DEFAULTS.jobTimeoutMs,
      },
      signal,
      name,
    )
  }
  if (mode === 'bulk') {
    yield* bulk()
    return
  }
  api.stats.mode = 'rest'
  const rest = restPages(api, query.rest, options.pageSize ?? DEFAULTS.pageSize, name)
  if (mode === 'rest') {
    yield* rest
    return
  }
  const first = await rest.next()
  if (first.done === true) return
  const total = first.value.totalSize ?? 0
  if (query.bulkable && total >= (options.bulkThreshold ?? DEFAULTS.bulkThreshold)) {
    await rest.return(undefined)
    yield* bulk()
    return
  }
  yield first.value
  yield* rest
}

function checkNumbers(name: string, options: FromSalesforceOptions): void {
  const pageSize = options.pageSize
  if (
    pageSize !== undefined &&
    !(Number.isInteger(pageSize) && pageSize >= 200 && pageSize <= 2_000)
  )
    throw new TypeError(
      `${name}: pageSize must be an integer from 200 to 2,000 (got ${String(pageSize)})`,
    )
  for (const [key, value] of [
    ['bulkPageSize', options.bulkPageSize],
    ['bulkThreshold', options.bulkThreshold],
  ] as const)
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      throw new TypeError(`${name}: ${key} must be a positive integer (got ${String(value)})`)
}

function objectOf(soql: string): string {
  return /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? 'query'
}
