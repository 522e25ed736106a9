/**
 * Where an incremental source got to: the field it reads in order (a modified-date property, an
 * id) and the greatest value of it among the records it read. An incremental source puts it in
 * the run report as `report.bookmark`; pass `value` as the next run's starting point (`since`).
 *
 * @example
 * ```ts
 * import type { Bookmark } from 'powerflow-etl'
 *
 * const bookmark: Bookmark = { field: 'lastmodifieddate', value: '2026-01-31T12:00:00.000Z' }
 * console.assert(bookmark.field === 'lastmodifieddate')
 * ```
 *
 * @category core
 * @since 0.2.0
 */
export interface Bookmark {
  /** The field the source reads in order, such as `lastmodifieddate` or `SystemModstamp`. */
  readonly field: string
  /**
   * Its greatest value among the records read: as the source's API writes it for the CRM sources
   * (an ISO 8601 timestamp), as the driver returns it for the database sources (a `Date` for a
   * timestamp column, a string for a bigint or numeric one). Give it back as `since.value`.
   */
  readonly value: string | number | Date
}
