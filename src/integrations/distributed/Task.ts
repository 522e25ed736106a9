/**
 * A unit of work that one worker runs with the same pipeline as every other: small JSON (a path, a
 * byte range, an id range), never records. Any JSON object with a unique `id` is a task, so other
 * sources can add their own kinds — id or time ranges of a CRM object, pages of an API — beside
 * {@link FileTask} and {@link RangeTask}.
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

/** A task id that sorts like its index: `task-0003`. @internal */
export function taskId(index: number): string {
  return `task-${String(index).padStart(4, '0')}`
}
