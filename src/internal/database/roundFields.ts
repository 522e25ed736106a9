/**
 * What a database sink must know of a round's records before it loads them: which fields are not
 * columns of the table (by record), which fields the others have (the columns to load), and — for
 * upsert — where a key comes again. Records of one source mostly have the same fields in the same
 * order, so a record whose fields come as the previous record's costs one `for…in` pass and no
 * lookups; only a record of another shape is looked at field by field.
 *
 * @internal
 * @packageDocumentation
 */

type Row = Readonly<Record<string, unknown>>

/** @internal */
export interface RoundFields {
  /** Records with fields that are not columns: their index → those fields. */
  readonly unknown: Map<number, readonly string[]>
  /** The fields of the records that are loaded (all of them when `keepUnknown`). */
  readonly names: Set<string>
}

/**
 * The fields of `rows` against the table's `columns`; `keepUnknown` says records with fields
 * that are not columns are loaded too (their fields are added as columns first).
 *
 * @internal
 */
export function roundFields(
  rows: readonly Row[],
  columns: ReadonlyMap<string, unknown>,
  keepUnknown: boolean,
): RoundFields {
  const unknown = new Map<number, readonly string[]>()
  const names = new Set<string>()
  let previous: string[] = []
  let previousExtra: string[] | undefined
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Row
    if (index === 0 || !sameFields(row, previous)) {
      previous = []
      previousExtra = undefined
      for (const name in row) {
        previous.push(name)
        if (Object.hasOwn(row, name) && !columns.has(name)) (previousExtra ??= []).push(name)
      }
      if (previousExtra === undefined || keepUnknown) for (const name of previous) names.add(name)
    }
    if (previousExtra !== undefined) unknown.set(index, previousExtra)
  }
  return { unknown, names }
}

/** Whether `row`'s fields are `names`, in that order. */
function sameFields(row: Row, names: readonly string[]): boolean {
  let position = 0
  for (const name in row) {
    if (names[position] !== name) return false
    position++
  }
  return position === names.length
}

/**
 * The records at `indexes` in parts to load in order, so that no part holds a key twice: a key
 * seen again starts a new part (a later record of a key then updates the earlier one).
 *
 * @internal
 */
export function keyParts(
  rows: readonly Row[],
  indexes: readonly number[],
  key: readonly string[],
): number[][] {
  const single = key.length === 1 ? (key[0] as string) : undefined
  const parts: number[][] = [[]]
  let seen = new Set<string>()
  for (const index of indexes) {
    const row = rows[index] as Row
    const id =
      single === undefined
        ? JSON.stringify(key.map((name) => row[name] ?? null))
        : keyText(row[single])
    if (seen.has(id)) {
      parts.push([])
      seen = new Set()
    }
    seen.add(id)
    ;(parts.at(-1) as number[]).push(index)
  }
  return parts
}

/**
 * A single-column key value as text for telling keys apart, as `JSON.stringify` would tell them
 * apart (a string and a Date of the same instant alike; the string `'1'` and the number `1` not)
 * without making a new string for a string key: strings stand for themselves, other values are
 * marked with a NUL, which no string Postgres or SQLite stores as text begins with.
 */
function keyText(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return `\u0000${String(value)}`
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString()
  return `\u0000${JSON.stringify(value ?? null) ?? 'null'}`
}
