/**
 * SOQL built from the `{ object, fields, where, limit }` form and an incremental `since` or a task's
 * time window, and the literals it needs.
 *
 * @internal
 * @packageDocumentation
 */
import { withCondition } from './soqlWindow.js'

/** The structured form of a query, as the Python original takes it. @internal */
export interface QueryParts {
  readonly object: string
  readonly fields: readonly string[]
  readonly where?: string
  readonly limit?: number
}

/** An incremental start: records whose `field` is at least `value` (less `lookbackMs`). @internal */
export interface Since {
  readonly field: string
  readonly value?: string | number | Date
}

/** A task's window: records whose `field` is at least `from` and before `to`. @internal */
export interface TimeWindow {
  readonly field: string
  readonly from: string | Date
  readonly to: string | Date
}

const NAME = /^[A-Za-z][\w.]*$/

/** The two SOQL texts of a query: ordered for REST, unordered for Bulk (which chunks by Id). @internal */
export interface BuiltQuery {
  readonly rest: string
  readonly bulk: string
  /** Whether the query can run as a Bulk API 2.0 job at all. */
  readonly bulkable: boolean
}

/**
 * Builds the query's SOQL, with the incremental condition and ordering when `since` is given, or
 * the condition of a task's `window` (and, in the structured form, the same ordering). @internal
 */
export function buildQuery(
  query: string | QueryParts,
  since: Since | undefined,
  lookbackMs: number,
  stage: string,
  window?: TimeWindow,
): BuiltQuery {
  if (typeof query === 'string') {
    if (since !== undefined)
      throw new TypeError(
        `${stage}: since needs the { object, fields, where } form of the query, so the condition and ordering can be added`,
      )
    if (query.trim() === '') throw new TypeError(`${stage}: the SOQL query is empty`)
    const soql =
      window === undefined ? query : withCondition(query, windowCondition(window, stage), stage)
    return { rest: soql, bulk: soql, bulkable: isBulkable(soql) }
  }
  checkName(stage, 'object', query.object)
  if (query.fields.length === 0) throw new TypeError(`${stage}: fields is empty`)
  for (const field of query.fields) checkName(stage, 'field', field)
  if (query.limit !== undefined && !(Number.isInteger(query.limit) && query.limit > 0))
    throw new TypeError(`${stage}: limit must be a positive integer (got ${String(query.limit)})`)
  if (window !== undefined && query.limit !== undefined)
    throw new TypeError(
      `${stage}: a range cannot be read with limit: each task would apply it to its own part of the records`,
    )
  const fields = [...query.fields]
  const conditions: string[] = []
  if (query.where !== undefined && query.where.trim() !== '') conditions.push(`(${query.where})`)
  if (window !== undefined) conditions.push(windowCondition(window, stage))
  if (since !== undefined) {
    checkName(stage, 'since.field', since.field)
    for (const needed of [since.field, 'Id'])
      if (!fields.some((field) => field.toLowerCase() === needed.toLowerCase())) fields.push(needed)
    if (since.value !== undefined)
      conditions.push(`${since.field} >= ${literal(since.value, lookbackMs, stage)}`)
  }
  const base = `SELECT ${fields.join(', ')} FROM ${query.object}${conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`}`
  const ordered = since?.field ?? window?.field
  const order = ordered === undefined ? '' : ` ORDER BY ${ordered} ASC, Id ASC`
  const limit = query.limit === undefined ? '' : ` LIMIT ${query.limit}`
  return {
    rest: `${base}${order}${limit}`,
    // Bulk API 2.0 splits large jobs by Id; ORDER BY and LIMIT would turn that off.
    bulk: `${base}${limit}`,
    bulkable: true,
  }
}

/** `field >= from AND field < to`: a record at a boundary belongs to one window only. */
function windowCondition(window: TimeWindow, stage: string): string {
  checkName(stage, 'range.field', window.field)
  for (const [name, value] of [
    ['from', window.from],
    ['to', window.to],
  ] as const)
    if (!(typeof value === 'string' || value instanceof Date))
      throw new TypeError(`${stage}: range.${name} must be an ISO 8601 date-time or date`)
  const from = literal(window.from, 0, stage, 'range.from')
  const to = literal(window.to, 0, stage, 'range.to')
  return `${window.field} >= ${from} AND ${window.field} < ${to}`
}

/**
 * A SOQL literal for an incremental start or a window's bound: a date-time
 * (`2026-01-31T09:00:00.000Z`, less the look-back), a date (`2026-01-31`) or a number.
 */
function literal(
  value: string | number | Date,
  lookbackMs: number,
  stage: string,
  what = 'since.value',
): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${stage}: ${what} is not a finite number`)
    return String(value)
  }
  const text = value instanceof Date ? value.toISOString() : value
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(Date.parse(`${text}T00:00:00Z`) - lookbackMs)
    return day.toISOString().slice(0, 10)
  }
  // Salesforce writes `+0000`; SOQL wants `Z` or `+00:00`.
  const time = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  if (!Number.isFinite(time))
    throw new TypeError(
      `${stage}: ${what} ${JSON.stringify(text)} is not a date-time, date or number`,
    )
  return new Date(time - lookbackMs).toISOString()
}

/** A value of the bookmark field as a number to compare, or undefined if it is not one. @internal */
export function comparable(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value)
  const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isFinite(time) ? time : undefined
}

/** Bulk API 2.0 takes no GROUP BY, OFFSET, TYPEOF, aggregates or parent-to-child subqueries. */
function isBulkable(soql: string): boolean {
  return !/\(\s*SELECT\b|\bGROUP\s+BY\b|\bOFFSET\b|\bTYPEOF\b|\b(COUNT|SUM|AVG|MIN|MAX|COUNT_DISTINCT)\s*\(/i.test(
    soql,
  )
}

function checkName(stage: string, what: string, name: string): void {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new TypeError(`${stage}: ${what} ${JSON.stringify(name)} is not a Salesforce API name`)
}
