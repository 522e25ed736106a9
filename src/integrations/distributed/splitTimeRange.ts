import { taskId, type TimeRangeTask } from './Task.js'

/**
 * Options of {@link splitTimeRange}: the field, the whole window, and either `parts` or `everyMs`.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface SplitTimeRangeOptions {
  /** The date or date-time field the tasks compare, such as `CreatedDate` or `createdate`. */
  readonly field: string
  /**
   * The first instant of the job, included: a `Date`, an ISO 8601 date-time with its offset
   * (`2026-01-01T00:00:00Z`), or a date (`2026-01-01`, midnight UTC).
   */
  readonly from: string | Date
  /** The first instant after the job, not included; the same forms as `from`. */
  readonly to: string | Date
  /** How many windows of about equal length (fewer when the job is too short for them). */
  readonly parts?: number
  /** The length of every window but the last, which ends at `to`. */
  readonly everyMs?: number
}

const DAY_MS = 86_400_000
const MOST_TASKS = 100_000
const DATE = /^\d{4}-\d{2}-\d{2}$/
// A date-time must say its offset: without one, JavaScript reads it in the local time zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/**
 * Splits a time window `[from, to)` of one field into consecutive half-open windows, one task
 * each, so that workers read a CRM object's history at once — `fromSalesforce(org, query, { range:
 * task })`, `fromHubSpot(crm, type, { properties, range: task })` — and together read each record
 * exactly once: a record whose field is exactly a boundary belongs to the later window only.
 *
 * Windows are in time order, so joining the tasks' outputs in task order (as `runTasks` and
 * `coordinate` do) gives the records in the order of the field. When `from` and `to` are both
 * dates (`2026-01-01`), the windows are whole days and their bounds are dates too, for a date
 * field such as Salesforce's `CloseDate`; `everyMs` must then be whole days.
 *
 * Split on a field that does not change while the job runs (the created date): a record modified
 * during the job moves out of its window under a modified-date field.
 *
 * Throws a `TypeError` on a date-time without an offset, `from` not before `to`, or not exactly
 * one of `parts` and `everyMs` as a positive number; a `RangeError` past 100,000 tasks.
 *
 * @example
 * ```ts
 * import { splitTimeRange } from 'powerflow-etl/distributed'
 *
 * const tasks = splitTimeRange({
 *   field: 'CreatedDate',
 *   from: '2026-01-01T00:00:00Z',
 *   to: '2026-01-01T06:00:00Z',
 *   everyMs: 2 * 60 * 60_000,
 * })
 * console.assert(tasks.length === 3)
 * console.assert(tasks[1]?.from === '2026-01-01T02:00:00.000Z' && tasks[1].to === '2026-01-01T04:00:00.000Z')
 * const days = splitTimeRange({ field: 'CloseDate', from: '2026-01-01', to: '2026-02-01', parts: 2 })
 * console.assert(days.map((task) => `${task.from}..${task.to}`).join() === '2026-01-01..2026-01-17,2026-01-17..2026-02-01')
 * ```
 *
 * @param options - the field, the window and how to cut it; see {@link SplitTimeRangeOptions}
 * @returns the windows in time order, ids `task-0000`, `task-0001`, …
 * @category distributed
 * @since 0.2.0
 */
export function splitTimeRange(options: SplitTimeRangeOptions): TimeRangeTask[] {
  const { field } = options
  if (typeof field !== 'string' || field.trim() === '')
    throw new TypeError('splitTimeRange: field must name the date field the tasks compare')
  const days = isDate(options.from) && isDate(options.to)
  const from = instantOf('from', options.from)
  const to = instantOf('to', options.to)
  if (!(from < to))
    throw new TypeError(
      `splitTimeRange: from (${String(options.from)}) must be before to (${String(options.to)})`,
    )
  const boundaries = boundariesOf(from, to, options, days ? DAY_MS : 1)
  const text = (ms: number): string => {
    const iso = new Date(ms).toISOString()
    return days ? iso.slice(0, 10) : iso
  }
  return boundaries.slice(1).map((end, index) => ({
    kind: 'time-range',
    id: taskId(index),
    field,
    from: text(boundaries[index] as number),
    to: text(end),
  }))
}

/** The window's bounds, `from` first and `to` last, each a whole number of `unit`s from `from`. */
function boundariesOf(
  from: number,
  to: number,
  options: SplitTimeRangeOptions,
  unit: number,
): number[] {
  const { parts, everyMs } = options
  if ((parts === undefined) === (everyMs === undefined))
    throw new TypeError('splitTimeRange: give either parts or everyMs')
  const units = (to - from) / unit
  if (parts !== undefined) {
    if (!(Number.isInteger(parts) && parts >= 1))
      throw new TypeError(
        `splitTimeRange: parts must be a whole number of at least 1, not ${parts}`,
      )
    if (parts > MOST_TASKS) throw new RangeError(`splitTimeRange: at most ${MOST_TASKS} parts`)
    const bounds = new Set<number>()
    for (let index = 0; index <= parts; index++)
      bounds.add(from + Math.round((units * index) / parts) * unit)
    return [...bounds]
  }
  const every = everyMs as number
  if (!(Number.isFinite(every) && every > 0))
    throw new TypeError(`splitTimeRange: everyMs must be a positive number, not ${every}`)
  if (unit === DAY_MS && every % DAY_MS !== 0)
    throw new TypeError(
      'splitTimeRange: from and to are dates, so everyMs must be whole days (86,400,000 ms each)',
    )
  const count = Math.ceil((to - from) / every)
  if (count > MOST_TASKS)
    throw new RangeError(
      `splitTimeRange: everyMs ${every} makes ${count} tasks; at most ${MOST_TASKS}`,
    )
  const bounds: number[] = []
  for (let index = 0; index < count; index++) bounds.push(from + index * every)
  bounds.push(to)
  return bounds
}

function isDate(value: string | Date): boolean {
  return typeof value === 'string' && DATE.test(value)
}

function instantOf(which: 'from' | 'to', value: string | Date): number {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' && DATE.test(value)
        ? Date.parse(`${value}T00:00:00Z`)
        : typeof value === 'string' && DATE_TIME.test(value)
          ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
          : Number.NaN
  if (!Number.isFinite(ms))
    throw new TypeError(
      `splitTimeRange: ${which} must be a Date, an ISO 8601 date-time with its offset or a date (got ${JSON.stringify(value instanceof Date ? 'Invalid Date' : value)})`,
    )
  return ms
}
