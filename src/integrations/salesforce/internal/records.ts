/**
 * What the query readers hand the source: one page of records.
 *
 * @internal
 * @packageDocumentation
 */

/** A record as Salesforce answers it, without `attributes`. @internal */
export type PlainRecord = Record<string, unknown>

/** One page of a query's results. @internal */
export interface RecordsPage {
  readonly records: PlainRecord[]
  /** The size of the page's body in bytes. */
  readonly bytes: number
  /** The number of records the whole query matches, when Salesforce says (REST only). */
  readonly totalSize?: number
}

/**
 * A REST record without its `attributes` member (type and URL), as the Python original gives
 * them: also inside related records and the records of subqueries.
 *
 * @internal
 */
export function withoutAttributes(record: unknown): PlainRecord {
  const fields = record as PlainRecord
  const out: PlainRecord = {}
  // A plain loop: this runs once per record read, and most values are not objects.
  for (const key in fields) {
    if (key === 'attributes') continue
    const value = fields[key]
    out[key] = value !== null && typeof value === 'object' ? plainValue(value) : value
  }
  return out
}

function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  const related = value as PlainRecord
  // A subquery's result: { totalSize, done, records }.
  if (Array.isArray(related['records']) && 'done' in related)
    return { ...related, records: (related['records'] as unknown[]).map(withoutAttributes) }
  return 'attributes' in related ? withoutAttributes(related) : value
}
