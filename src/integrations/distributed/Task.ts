/**
 * A unit of work that one worker runs with the same pipeline as every other: small JSON (a path, a
 * byte range, a time window, a run of pages), never records. Any JSON object with a unique `id` is
 * a task, so a job can add its own kinds beside {@link FileTask}, {@link RangeTask},
 * {@link TimeRangeTask} and {@link PageRangeTask}.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface Task {
  /** Unique within a job; names the task's part file and its place in reports and dead letters. */
  readonly id: string
  /** The kind of task, such as `file` or `range`. */
  readonly kind: string
}

/**
 * One whole file, from {@link splitFiles}.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface FileTask extends Task {
  readonly kind: 'file'
  readonly path: string
}

/**
 * The bytes from `start` up to (not including) `end` of one CSV or NDJSON file, beginning and
 * ending on record boundaries, from {@link splitFile}. Pass it as `fromCsv`'s or `fromJson`'s
 * `range` option: `fromCsv(task.path, { range: task })`.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface RangeTask extends Task {
  readonly kind: 'range'
  readonly path: string
  readonly format: 'csv' | 'ndjson'
  readonly start: number
  readonly end: number
}

/**
 * The records whose date or date-time `field` is at least `from` and before `to` — a half-open
 * window `[from, to)`, so a record exactly at a boundary belongs to one task only — from
 * {@link splitTimeRange}. Pass it as `fromSalesforce`'s or `fromHubSpot`'s `range` option:
 * `fromSalesforce(org, query, { range: task })`.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface TimeRangeTask extends Task {
  readonly kind: 'time-range'
  /** The field compared, such as `CreatedDate` or `createdate`. */
  readonly field: string
  /** The first instant of the window (ISO 8601: a date-time, or a date `2026-01-31`). */
  readonly from: string
  /** The first instant after the window (ISO 8601), not included. */
  readonly to: string
}

/**
 * The pages from `from` up to (not including) `to` of a paginated API, counted from 0 for the
 * first page whatever number the API gives it, from {@link splitPages}. Pass it as `fromHttp`'s
 * `pages` option: `fromHttp(url, { pagination, pages: task })`.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface PageRangeTask extends Task {
  readonly kind: 'page-range'
  readonly from: number
  readonly to: number
}

/** A task id that sorts like its index: `task-0003`. @internal */
export function taskId(index: number): string {
  return `task-${String(index).padStart(4, '0')}`
}
