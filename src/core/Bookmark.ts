/**
 * Where an incremental source got to: the largest value of its cursor field among the records it
 * read (such as `SystemModstamp`), reported as `report.bookmark` so the next run can start there.
 *
 * @example
 * ```ts
 * import type { Bookmark } from 'powerflow-etl'
 *
 * const bookmark: Bookmark = { field: 'SystemModstamp', value: '2026-01-31T09:00:00.000Z' }
 * console.assert(bookmark.field === 'SystemModstamp')
 * ```
 *
 * @category core
 * @since 0.2.0
 */
export interface Bookmark {
  /** The field the source compares, such as `SystemModstamp` or `updatedAt`. */
  readonly field: string
  /** The largest value seen, as the source's API writes it (an ISO 8601 timestamp, a number). */
  readonly value: string | number
}
