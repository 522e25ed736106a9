/**
 * Incremental reads for the database sources: the user's query wrapped so it returns only the rows
 * after a bookmark, in bookmark order with a tie-breaker, and the `bookmark` report section kept
 * as rows are read. The dialect supplies identifier quoting and placeholders.
 *
 * @internal
 * @packageDocumentation
 */
import type { Bookmark } from '../../core/Bookmark.js'
import { rememberBookmark, savedBookmark } from '../savedBookmark.js'

/** The `since` option of the database sources. @internal */
export interface SinceSettings {
  readonly column: string
  readonly value?: unknown
  readonly inclusive?: boolean
  readonly tieBreaker?: string | readonly string[]
}

/** A source's query as it runs, with the `since` it reads from (resumed from the state or not). @internal */
export interface IncrementalRead {
  readonly sql: string
  readonly params: unknown[]
  readonly since: SinceSettings | undefined
}

/** How a dialect writes identifiers and placeholders. @internal */
export interface Dialect {
  readonly quote: (identifier: string) => string
  /** The placeholder of parameter number `position` (1-based). */
  readonly placeholder: (position: number) => string
}

/**
 * `sql` as a subquery filtered by `column > value` (or `>=` when inclusive; no filter without a
 * value) and ordered by the column, then the tie-breakers, so rows of one value always come in
 * the same order.
 *
 * @internal
 */
export function incrementalQuery(
  sql: string,
  params: readonly unknown[],
  since: SinceSettings,
  dialect: Dialect,
): { readonly sql: string; readonly params: unknown[] } {
  const column = dialect.quote(since.column)
  const tieBreakers =
    since.tieBreaker === undefined
      ? []
      : typeof since.tieBreaker === 'string'
        ? [since.tieBreaker]
        : since.tieBreaker
  const order = [column, ...tieBreakers.map(dialect.quote)].join(', ')
  const body = sql.trim().replace(/;\s*$/, '')
  if (since.value === undefined || since.value === null)
    return {
      sql: `SELECT * FROM (${body}) AS powerflow_since ORDER BY ${order}`,
      params: [...params],
    }
  const operator = since.inclusive === true ? '>=' : '>'
  return {
    sql: `SELECT * FROM (${body}) AS powerflow_since WHERE ${column} ${operator} ${dialect.placeholder(params.length + 1)} ORDER BY ${order}`,
    params: [...params, since.value],
  }
}

/**
 * Keeps `report.bookmark` as rows are read: the bookmark column's value in the last row (rows come
 * in bookmark order). Starts at the given value, so a run that reads nothing keeps its bookmark.
 *
 * @internal
 */
export class BookmarkKeeper {
  private value: unknown

  constructor(
    private readonly sections: Record<string, unknown>,
    private readonly since: SinceSettings,
    /** The source's stage name: with the `state` run option, its bookmark is saved under it. */
    private readonly stage?: string,
  ) {
    this.value = since.value
    this.publish()
  }

  /** The rows of a batch were read (in order). */
  read(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): void {
    const last = rows[rows.length - 1]
    if (last === undefined) return
    if (!(this.since.column in last))
      throw new Error(
        `since: the query's rows have no column ${this.since.column}; select it to read incrementally`,
      )
    this.value = last[this.since.column]
    this.publish()
  }

  private publish(): void {
    const value = this.value
    let bookmark: Bookmark | undefined
    if (typeof value === 'string' || typeof value === 'number' || value instanceof Date)
      bookmark = { field: this.since.column, value }
    else if (value !== undefined && value !== null)
      bookmark = { field: this.since.column, value: String(value) }
    if (bookmark === undefined) return
    this.sections['bookmark'] = bookmark
    if (this.stage !== undefined) rememberBookmark(this.stage, bookmark)
  }
}

/**
 * The `since` a database source reads from: with the `state` run option and a bookmark saved for
 * `stage` by the last committed run, from that bookmark (the option's `value` is only the first
 * run's start); otherwise the option as given.
 *
 * @internal
 */
export async function resumedSince(stage: string, since: SinceSettings): Promise<SinceSettings> {
  const value = await savedBookmark(stage, since.column)
  return value === undefined ? since : { ...since, value }
}
