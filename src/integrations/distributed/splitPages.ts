import { taskId, type PageRangeTask } from './Task.js'

/**
 * Options of {@link splitPages}: how many pages there are, and either `parts` or `pagesPerTask`.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface SplitPagesOptions {
  /** How many pages the job reads, such as `Math.ceil(total / pageSize)` from the API's count. */
  readonly pages: number
  /** How many runs of pages of about equal length (fewer when there are fewer pages). */
  readonly parts?: number
  /** The pages of every task but the last. */
  readonly pagesPerTask?: number
}

const MOST_TASKS = 100_000

/**
 * Splits the pages of an API whose pages are numbered or reached by an offset into consecutive
 * runs of pages, one task each, so that workers read them at once —
 * `fromHttp(url, { pagination, pages: task })` — and together read every page once, as one reader
 * of every page would.
 *
 * The number of pages must be known up front (most such APIs give a total count), and the listing
 * must hold still while the job runs: a record added or removed shifts the records after it from
 * page to page. An API that pages by cursor or by a next link cannot be split this way — each page
 * names the next only once it is read; split such a job by time (`splitTimeRange`) or by file
 * instead, when the API filters on a date.
 *
 * Throws a `TypeError` unless `pages` is a whole number of at least 1 and exactly one of `parts`
 * and `pagesPerTask` is one too; a `RangeError` past 100,000 tasks.
 *
 * @example
 * ```ts
 * import { splitPages } from 'powerflow-etl/distributed'
 *
 * const tasks = splitPages({ pages: 10, parts: 3 })
 * console.assert(tasks.map((task) => `${task.from}-${task.to}`).join() === '0-3,3-7,7-10')
 * console.assert(splitPages({ pages: 10, pagesPerTask: 4 }).length === 3)
 * ```
 *
 * @param options - the number of pages and how to cut them; see {@link SplitPagesOptions}
 * @returns the runs of pages in order, ids `task-0000`, `task-0001`, …
 * @category distributed
 * @since 0.2.0
 */
export function splitPages(options: SplitPagesOptions): PageRangeTask[] {
  const { pages, parts, pagesPerTask } = options
  wholeNumber('pages', pages)
  if ((parts === undefined) === (pagesPerTask === undefined))
    throw new TypeError('splitPages: give either parts or pagesPerTask')
  if (parts !== undefined) wholeNumber('parts', parts)
  else wholeNumber('pagesPerTask', pagesPerTask as number)
  const count =
    parts !== undefined ? Math.min(parts, pages) : Math.ceil(pages / (pagesPerTask as number))
  if (count > MOST_TASKS)
    throw new RangeError(`splitPages: ${count} tasks asked for; at most ${MOST_TASKS}`)
  const bounds: number[] = [0]
  for (let index = 1; index <= count; index++)
    bounds.push(
      parts !== undefined
        ? Math.round((pages * index) / count)
        : Math.min(pages, index * (pagesPerTask as number)),
    )
  return bounds.slice(1).map((to, index) => ({
    kind: 'page-range',
    id: taskId(index),
    from: bounds[index] as number,
    to,
  }))
}

function wholeNumber(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1))
    throw new TypeError(`splitPages: ${name} must be a whole number of at least 1, not ${value}`)
}
