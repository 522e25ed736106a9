/**
 * Incremental reading through the CRM search API, past its 10,000-result cap: every query is
 * sorted on the modified-date field and read only up to the cap; then the next query starts from
 * the last value read. The records sharing that boundary value are read by a query of their own,
 * sorted on `hs_object_id` and re-windowed on it — so even more than 10,000 records with one
 * timestamp are read, each once.
 *
 * @internal
 * @packageDocumentation
 */
import { epochOf, type HubSpotObject } from './flatRecord.js'

/** One search request body (https://developers.hubspot.com/docs/api/crm/search). @internal */
export interface SearchRequest {
  readonly filterGroups: ReadonlyArray<{
    readonly filters: ReadonlyArray<{
      readonly propertyName: string
      readonly operator: 'EQ' | 'GT' | 'GTE' | 'LT'
      readonly value: string
    }>
  }>
  readonly sorts: ReadonlyArray<{ readonly propertyName: string; readonly direction: 'ASCENDING' }>
  readonly properties: readonly string[]
  readonly limit: number
  readonly after?: string
}

/** One page of search results. @internal */
export interface SearchPage {
  readonly results: readonly HubSpotObject[]
  readonly paging?: { readonly next?: { readonly after?: string } }
}

/** What {@link searchWindows} needs. @internal */
export interface SearchWindowsOptions {
  /** The date field read in order (`lastmodifieddate`, `hs_lastmodifieddate`). */
  readonly field: string
  /** Read the records whose field is at least this (epoch ms). */
  readonly fromMs: number
  /** And before this (epoch ms), if given: the end of a task's window, not included. */
  readonly toMs?: number
  readonly properties: readonly string[]
  /** Results per page (at most 200). */
  readonly pageSize: number
  /** The most results one query reaches (HubSpot: 10,000). */
  readonly cap: number
  /** Makes one search call. */
  readonly search: (request: SearchRequest) => Promise<SearchPage>
  /** Called when a query is started over from a new lower bound. */
  readonly onNewWindow?: () => void
}

/**
 * The pages of every record whose `field` is at least `fromMs` (and before `toMs`, if given), in
 * ascending order of `field`, each record once. A page is requested only when the previous one has been taken.
 *
 * @internal
 */
export async function* searchWindows(
  options: SearchWindowsOptions,
): AsyncGenerator<readonly HubSpotObject[]> {
  const { field, pageSize, cap } = options
  let lower = options.fromMs
  let inclusive = true
  for (;;) {
    let after: string | undefined
    let seen = 0
    let last: number | undefined
    // The ids read at the last value: the boundary query below must not read them again.
    const atLast = new Set<string>()
    for (;;) {
      const page = await options.search({
        filterGroups: [
          {
            filters: [
              { propertyName: field, operator: inclusive ? 'GTE' : 'GT', value: String(lower) },
              ...(options.toMs === undefined
                ? []
                : [{ propertyName: field, operator: 'LT' as const, value: String(options.toMs) }]),
            ],
          },
        ],
        sorts: [{ propertyName: field, direction: 'ASCENDING' }],
        properties: options.properties,
        limit: pageSize,
        ...(after === undefined ? {} : { after }),
      })
      seen += page.results.length
      for (const object of page.results) {
        const value = epochOf(object.properties[field])
        if (value !== last) atLast.clear()
        last = value
        atLast.add(String(object.id))
      }
      if (page.results.length > 0) yield page.results
      const next = page.paging?.next?.after
      if (next === undefined || next === '' || page.results.length === 0) return
      if (seen + pageSize > cap) break
      after = next
    }
    if (last === undefined) return
    options.onNewWindow?.()
    yield* boundary(options, last, atLast)
    lower = last
    inclusive = false
  }
}

/** Every record whose `field` equals `value`, but those in `skip`, by ascending `hs_object_id`. */
async function* boundary(
  options: SearchWindowsOptions,
  value: number,
  skip: ReadonlySet<string>,
): AsyncGenerator<readonly HubSpotObject[]> {
  const { field, pageSize, cap } = options
  let afterId: string | undefined
  for (;;) {
    let after: string | undefined
    let seen = 0
    let lastId: string | undefined
    for (;;) {
      const page = await options.search({
        filterGroups: [
          {
            filters: [
              { propertyName: field, operator: 'EQ', value: String(value) },
              ...(afterId === undefined
                ? []
                : [{ propertyName: 'hs_object_id', operator: 'GT' as const, value: afterId }]),
            ],
          },
        ],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        properties: options.properties,
        limit: pageSize,
        ...(after === undefined ? {} : { after }),
      })
      seen += page.results.length
      const last = page.results.at(-1)
      if (last !== undefined) lastId = String(last.id)
      const fresh = page.results.filter((object) => !skip.has(String(object.id)))
      if (fresh.length > 0) yield fresh
      const next = page.paging?.next?.after
      if (next === undefined || next === '' || page.results.length === 0) return
      if (seen + pageSize > cap) break
      after = next
    }
    if (lastId === undefined) return
    options.onNewWindow?.()
    afterId = lastId
  }
}
