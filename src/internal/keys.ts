/**
 * Keys of records for the operators that remember them (dedupe, aggregate, lookup tables): built
 * so that they never collide by accident and never pin the text they came from.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * A copy of `text` that shares no memory with it.
 *
 * A field parsed from CSV is a slice of a large chunk string, and V8 keeps the whole chunk alive
 * as long as the slice is (a Map key too). Concatenation then slicing flattens into a fresh
 * string. Measured on Node 20 (2,000 slices of 30 characters, each cut from its own 1 MiB chunk,
 * after GC): kept as is 2,100 MB of heap, as Map keys 2,100 MB; copied 4.3 MB. This copy costs
 * ~60 ns a key against ~185 ns for a Buffer round trip and ~155 ns for `JSON.stringify`.
 *
 * @internal
 */
export function detachString(text: string): string {
  return (' ' + text).slice(1)
}

/** A string detached from its source, anything else as it is. @internal */
export function detachValue<T>(value: T): T {
  return (typeof value === 'string' ? detachString(value) : value) as T
}

/** What a record's key is compared by: a primitive, compared with SameValueZero as Map keys do. @internal */
export type KeyValue = string | number | boolean | bigint | symbol | null | undefined

/**
 * The key of a record for `fields`. One field: its value when it is a primitive, the JSON text of `[value]` when it is an object (a Date, say). Several fields: the
 * JSON text of the tuple of values, so `['a,b', 'c']` and `['a', 'b,c']` never collide; the JSON
 * text is a fresh string, so it pins nothing. A missing field equals `null`, and in JSON a Date
 * equals its ISO string. The key may be a slice of the input: look it up as it is (cheap) and
 * {@link detachValue} it only when keeping it.
 *
 * @internal
 */
export function fieldsKey(fields: readonly string[]): (record: object) => KeyValue {
  if (fields.length === 1) {
    const field = fields[0] as string
    return (record) => {
      const value: unknown = (record as Record<string, unknown>)[field]
      if (typeof value === 'object' && value !== null) return JSON.stringify([value])
      // As in the JSON of several fields: a missing field is null.
      return value === undefined ? null : (value as KeyValue)
    }
  }
  return (record) =>
    JSON.stringify(fields.map((field) => (record as Record<string, unknown>)[field]))
}

/**
 * The value of a record's own field `name`, or `undefined`: never one inherited from the prototype
 * (`constructor`, `toString`, `__proto__`), which a key built from data must not pick up.
 *
 * @internal
 */
export function ownField(record: unknown, name: string): unknown {
  if (record === null || typeof record !== 'object') return undefined
  return Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : undefined
}
