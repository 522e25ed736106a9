/**
 * Where an incremental read got to: the field it reads by and the largest value it read. A source
 * that reads incrementally (`since`) reports it as `report.bookmark`; give `value` back as the
 * next run's starting point once a run has completed.
 *
 * @category core
 * @since 0.2.0
 */
export interface Bookmark {
  /** The field (column) the read is ordered and filtered by. */
  readonly field: string
  /** The value of that field in the last record read; `undefined` when nothing was read. */
  readonly value: unknown
}
