import { right } from 'fp-ts/lib/Either.js'
import type { Flow } from '../../core/Flow.js'
import type { Bookmark } from '../../core/Bookmark.js'
import { pullSource, type SourceBatch, type SourceStage } from '../../internal/pullSource.js'
import { rememberBookmark, savedBookmark } from '../../internal/savedBookmark.js'
import type { HubSpotConnection } from './HubSpotConnection.js'
import { apiOf } from './internal/HubSpotApi.js'
import { HubSpotStats } from './HubSpotStats.js'
import type { HubSpotRecord } from './HubSpotRecord.js'
import { epochOf, flatRecord, type HubSpotObject } from './flatRecord.js'
import { searchWindows, type SearchPage } from './searchWindows.js'

/**
 * Where an incremental read starts: a date (ISO 8601 text or `Date`), or that and the date
 * property to compare it with (default the object's modified date: `lastmodifieddate` for
 * contacts, `hs_lastmodifieddate` for the others).
 *
 * @category integrations
 * @since 0.2.0
 */
export type HubSpotSince =
  string | Date | { readonly value: string | Date; readonly field?: string }

/**
 * Options of {@link fromHubSpot}.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface FromHubSpotOptions {
  /** The properties to read, named explicitly (HubSpot adds `hs_object_id` and its dates). */
  readonly properties: readonly string[]
  /**
   * Read only the objects modified since then, through the search API, in ascending order of the
   * date property; the report's `bookmark` says where the read got to. Without it, every object
   * is listed, page by page.
   */
  readonly since?: HubSpotSince
  /**
   * Read only the objects whose date property `field` is at least `from` and before `to` (ISO 8601
   * or `Date`), through the search API, in ascending order of it: one task of a job split by time
   * with `splitTimeRange` from `powerflow-etl/distributed`, so that an object at a boundary is read
   * by one task only, past the 10,000-result cap as with `since`. Not with `since`, `overlapMs` or
   * `limit` (each task would apply them to its own part); no bookmark is reported and the `state`
   * run option does not apply: a task reads exactly its window.
   */
  readonly range?: {
    readonly field: string
    readonly from: string | Date
    readonly to: string | Date
  }
  /**
   * How far before `since` to start (default 60 s): objects reach the search index a little after
   * they change, so the last run may not have seen some from just before its bookmark.
   */
  readonly overlapMs?: number
  /** Stop after this many records (the Python original's `limit`). */
  readonly limit?: number
  /** Objects per call (default and most: 100 when listing, 200 when searching). */
  readonly pageSize?: number
  /** Object types whose associated ids to read, through the associations batch read (v4). */
  readonly associations?: readonly string[]
  /** List archived objects instead (listing only). */
  readonly archived?: boolean
  /** The stage name in the report (default `fromHubSpot <objectType>`). */
  readonly name?: string
  /** The most results one search query reaches (default 10,000, HubSpot's cap). */
  readonly searchCap?: number
}

const DEFAULT_OVERLAP_MS = 60_000
const LIST_PAGE = 100
const SEARCH_PAGE = 200

/**
 * A source of HubSpot CRM objects of any type (`contacts`, `companies`, `deals`, `tickets`, a
 * custom object's type id), as flat {@link HubSpotRecord}s. Each page is requested when the run
 * has taken the previous one, through the connection's rate limiter.
 *
 * Without `since`, objects are listed in id order, following `paging.next.after`. With `since`,
 * the search API reads the objects whose date property (default the modified date) is at least
 * `since` minus `overlapMs`, in ascending order of it; since one search query stops at 10,000
 * results, the read starts a new query from the last date read before it gets there, and reads
 * the objects sharing that date by a query of their own on `hs_object_id` — nothing missed, nothing
 * twice, even when thousands share one timestamp. The report's `bookmark` is
 * `{ field, value }` with the greatest date read (or `since` itself when nothing was new): pass it
 * as the next run's `since`. A listing reports the greatest `updatedAt` the same way.
 *
 * With `range`, it reads one window `[from, to)` of a date property the same way (a search bounded
 * above by `LT to`): one task of a job split by `splitTimeRange` from `powerflow-etl/distributed`,
 * each object read by exactly one task.
 *
 * Calls are limited and retried as {@link hubspot} describes; a call that still fails (an expired
 * token, HubSpot failing after the retries) fails the run with a message naming the object type
 * and page. The `hubspot` section of the report counts the calls. Unsubscribing stops the reading.
 *
 * @example
 * ```ts
 * // @snippet compile-only
 * import { pipe, toCsv } from 'powerflow-etl'
 * import { hubspot, fromHubSpot } from 'powerflow-etl/hubspot'
 *
 * const crm = hubspot() // HUBSPOT_ACCESS_TOKEN
 * const report = await pipe(
 *   fromHubSpot(crm, 'contacts', {
 *     properties: ['email', 'firstname', 'lastname'],
 *     since: '2026-01-01T00:00:00Z',
 *   }),
 *   toCsv('contacts.csv'),
 * )
 * console.log(report.bookmark) // { field: 'lastmodifieddate', value: '…' }: the next run's since
 * ```
 *
 * @example
 * ```ts
 * // @snippet compile-only: a job module (see runTasks); its tasks come from splitTimeRange
 * import { pipe, toJson } from 'powerflow-etl'
 * import type { TaskBuild, TimeRangeTask } from 'powerflow-etl/distributed'
 * import { hubspot, fromHubSpot } from 'powerflow-etl/hubspot'
 *
 * export const build: TaskBuild<TimeRangeTask> = (task, context) =>
 *   pipe(
 *     fromHubSpot(hubspot(), 'contacts', { properties: ['email'], range: task }),
 *     toJson(context.output, { format: 'ndjson', signal: context.signal }),
 *   )
 * ```
 *
 * @param connection - made by {@link hubspot}
 * @param objectType - `contacts`, `companies`, `deals`, `tickets`, or a custom object type
 * @param options - properties, incremental start or a task's window, limit, associations
 * @returns a flow of flat records
 * @category integrations
 * @since 0.2.0
 */
export function fromHubSpot(
  connection: HubSpotConnection,
  objectType: string,
  options: FromHubSpotOptions,
): Flow<HubSpotRecord> {
  if (typeof objectType !== 'string' || objectType === '')
    throw new TypeError('fromHubSpot: objectType must name an object type, such as contacts')
  if (!Array.isArray(options?.properties))
    throw new TypeError(`fromHubSpot ${objectType}: properties must list the properties to read`)
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  if (!(limit >= 0)) throw new RangeError(`fromHubSpot ${objectType}: limit must be at least 0`)
  const since = options.since === undefined ? undefined : parseSince(objectType, options.since)
  const window = options.range === undefined ? undefined : parseRange(objectType, options)
  const searching = since !== undefined || window !== undefined
  const maxPage = searching ? SEARCH_PAGE : LIST_PAGE
  const pageSize = Math.min(maxPage, Math.max(1, Math.floor(options.pageSize ?? maxPage)))
  const name = options.name ?? `fromHubSpot ${objectType}`
  const field = options.range?.field ?? since?.field ?? modifiedDateOf(objectType)

  return pullSource<HubSpotRecord>(name, (signal, stage) =>
    readRecords(connection, objectType, options, stage, {
      signal,
      name,
      limit,
      pageSize,
      field,
      since,
      window,
    }),
  )
}

interface ReadSettings {
  readonly signal: AbortSignal
  readonly name: string
  readonly limit: number
  readonly pageSize: number
  readonly field: string
  readonly since: { readonly field: string; readonly ms: number } | undefined
  readonly window: { readonly fromMs: number; readonly toMs: number } | undefined
}

async function* readRecords(
  connection: HubSpotConnection,
  objectType: string,
  options: FromHubSpotOptions,
  stage: SourceStage,
  settings: ReadSettings,
): AsyncGenerator<SourceBatch<HubSpotRecord>> {
  const stats = HubSpotStats.of(stage.sections)
  const { field, name, signal } = settings
  // With the `state` run option, the last committed run's bookmark replaces since's date.
  const saved = settings.since === undefined ? undefined : await savedBookmark(name, field)
  const since =
    saved === undefined || settings.since === undefined
      ? settings.since
      : { field, ms: new Date(saved).getTime() }
  // The bookmark moves as pages are taken: a run that stops early reports how far it got.
  let greatest = since?.ms
  const setBookmark = (): void => {
    if (greatest === undefined || settings.window !== undefined) return
    const bookmark: Bookmark = { field, value: new Date(greatest).toISOString() }
    stage.sections['bookmark'] = bookmark
    rememberBookmark(name, bookmark)
  }
  setBookmark()
  if (settings.limit <= 0) return
  const window =
    settings.window ??
    (since === undefined
      ? undefined
      : {
          fromMs: Math.max(0, since.ms - Math.max(0, options.overlapMs ?? DEFAULT_OVERLAP_MS)),
          toMs: undefined,
        })
  const pages =
    window === undefined
      ? listPages(connection, objectType, options, settings, stats)
      : searchWindows({
          field,
          fromMs: window.fromMs,
          ...(window.toMs === undefined ? {} : { toMs: window.toMs }),
          properties: withField(options.properties, field),
          pageSize: settings.pageSize,
          cap: options.searchCap ?? 10_000,
          onNewWindow: () => (stats.searchWindows += 1),
          search: (request) =>
            apiOf(connection).call<SearchPage>(
              `${name}: search from ${describeFilter(request)}`,
              'search',
              stats,
              signal,
              () =>
                connection.client.crm.objects.searchApi.doSearchWithHttpInfo(
                  objectType,
                  request as unknown as Parameters<
                    typeof connection.client.crm.objects.searchApi.doSearch
                  >[1],
                ),
            ),
        })
  let left = settings.limit
  try {
    for await (const page of pages) {
      if (left <= 0) return
      const taken = page.length > left ? page.slice(0, left) : page
      left -= taken.length
      const linked = await readAssociations(connection, objectType, options, taken, settings, stats)
      const records = taken.map((object) => flatRecord(object, linked?.get(String(object.id))))
      yield { items: records.map((record) => right(record)) }
      for (const object of taken) {
        const value =
          window === undefined ? epochOf(object.updatedAt) : epochOf(object.properties[field])
        if (value !== undefined && (greatest === undefined || value > greatest)) greatest = value
      }
      setBookmark()
      if (left <= 0) return
    }
  } finally {
    await pages.return(undefined)
  }
}

async function* listPages(
  connection: HubSpotConnection,
  objectType: string,
  options: FromHubSpotOptions,
  settings: ReadSettings,
  stats: HubSpotStats,
): AsyncGenerator<readonly HubSpotObject[]> {
  let after: string | undefined
  for (let page = 1; ; page++) {
    const answer = await apiOf(connection).call(
      `${settings.name} page ${page}`,
      'general',
      stats,
      settings.signal,
      () =>
        connection.client.crm.objects.basicApi.getPageWithHttpInfo(
          objectType,
          Math.min(settings.pageSize, Math.max(1, settings.limit)),
          after,
          [...options.properties],
          undefined,
          undefined,
          options.archived ?? false,
        ),
    )
    if (answer.results.length > 0) yield answer.results as readonly HubSpotObject[]
    after = answer.paging?.next?.after
    if (after === undefined || after === '' || answer.results.length === 0) return
  }
}

/** The associated ids of `objects`, by object id, then by associated type. */
async function readAssociations(
  connection: HubSpotConnection,
  objectType: string,
  options: FromHubSpotOptions,
  objects: readonly HubSpotObject[],
  settings: ReadSettings,
  stats: HubSpotStats,
): Promise<Map<string, Record<string, string[]>> | undefined> {
  const types = options.associations ?? []
  if (types.length === 0 || objects.length === 0) return undefined
  const linked = new Map<string, Record<string, string[]>>()
  for (const object of objects) {
    const empty: Record<string, string[]> = {}
    for (const type of types) empty[type] = []
    linked.set(String(object.id), empty)
  }
  for (const toType of types) {
    const answer = await apiOf(connection).call(
      `${settings.name}: associations to ${toType}`,
      'general',
      stats,
      settings.signal,
      () =>
        connection.client.crm.associations.v4.batchApi.getPageWithHttpInfo(objectType, toType, {
          inputs: objects.map((object) => ({ id: String(object.id) })),
        }),
    )
    for (const result of answer.results) {
      const from = (result as unknown as { _from?: { id?: unknown } })._from?.id
      const ids = linked.get(String(from))?.[toType]
      if (ids === undefined) continue
      for (const to of result.to) ids.push(String(to.toObjectId))
    }
  }
  return linked
}

function parseSince(objectType: string, since: HubSpotSince): { field: string; ms: number } {
  const { value, field } =
    typeof since === 'string' || since instanceof Date ? { value: since, field: undefined } : since
  const ms = value instanceof Date ? value.getTime() : epochOf(value)
  if (ms === undefined || !Number.isFinite(ms))
    throw new RangeError(
      `fromHubSpot ${objectType}: since must be an ISO 8601 date or a Date (got ${String(value)})`,
    )
  return { field: field ?? modifiedDateOf(objectType), ms }
}

function parseRange(
  objectType: string,
  options: FromHubSpotOptions,
): { fromMs: number; toMs: number } {
  const range = options.range as NonNullable<FromHubSpotOptions['range']>
  const name = `fromHubSpot ${objectType}`
  if (options.since !== undefined || options.overlapMs !== undefined || options.limit !== undefined)
    throw new TypeError(
      `${name}: range reads one task's window; since, overlapMs and limit are not for it`,
    )
  if (typeof range.field !== 'string' || range.field === '')
    throw new TypeError(`${name}: range.field must name a date property`)
  const fromMs = epochOf(range.from)
  const toMs = epochOf(range.to)
  if (fromMs === undefined || toMs === undefined)
    throw new RangeError(
      `${name}: range.from and range.to must be ISO 8601 dates or Dates (got ${String(range.from)}, ${String(range.to)})`,
    )
  return { fromMs, toMs }
}

/** The modified-date property of an object type, as HubSpot names it. */
function modifiedDateOf(objectType: string): string {
  return objectType === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate'
}

function withField(properties: readonly string[], field: string): string[] {
  return properties.includes(field) ? [...properties] : [...properties, field]
}

function describeFilter(request: { readonly filterGroups: SearchRequestGroups }): string {
  return (request.filterGroups[0]?.filters ?? [])
    .map((filter) => `${filter.propertyName} ${filter.operator} ${filter.value}`)
    .join(' and ')
}

type SearchRequestGroups = ReadonlyArray<{
  readonly filters: ReadonlyArray<{
    readonly propertyName: string
    readonly operator: string
    readonly value: string
  }>
}>
