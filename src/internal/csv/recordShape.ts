/**
 * Header names made usable as record keys, and the fastest safe way to build a record from a row.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * Makes header names unique and non-empty: an empty name becomes `column_<position>`, and a
 * repeated name gets `_2`, `_3`, … (skipping suffixes that are already taken).
 *
 * @internal
 */
export function uniqueNames(header: readonly string[]): string[] {
  const named = header.map((name, index) => (name === '' ? `column_${index + 1}` : name))
  const taken = new Set(named)
  const seen = new Set<string>()
  return named.map((name) => {
    if (!seen.has(name)) {
      seen.add(name)
      return name
    }
    let suffix = 2
    while (taken.has(`${name}_${suffix}`)) suffix++
    const renamed = `${name}_${suffix}`
    taken.add(renamed)
    seen.add(renamed)
    return renamed
  })
}

/** Builds a record from a row's values. @internal */
export type RecordBuilder<V> = (values: readonly V[]) => Record<string, V>

/** Builders already compiled, by their names: a few headers, read again and again. */
const compiled = new Map<string, RecordBuilder<unknown>>()
const COMPILED_KEPT = 64

/**
 * A record builder for these names. An object literal of fixed shape is the cheapest record V8
 * can make, so the builder is compiled once per header (keys quoted with JSON.stringify;
 * `__proto__` computed so that it is an ordinary key); where code generation is disabled, a loop does.
 *
 * Compiled builders are kept (the last 64 headers), so that the runs of one header in a process —
 * the tasks of a split file on a worker thread — share one function: a new one for each run must
 * warm up again, and the code that calls it (optimized for the previous) is thrown away.
 *
 * @internal
 */
export function recordBuilder<V>(names: readonly string[]): RecordBuilder<V> {
  const key = JSON.stringify(names)
  const known = compiled.get(key)
  if (known !== undefined) return known as RecordBuilder<V>
  const built = compileBuilder<V>(names)
  if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value as string)
  compiled.set(key, built as RecordBuilder<unknown>)
  return built
}

function compileBuilder<V>(names: readonly string[]): RecordBuilder<V> {
  try {
    const key = (name: string): string =>
      name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name)
    const body = names.map((name, index) => `${key(name)}: v[${index}]`).join(', ')
    return new Function('v', `return { ${body} }`) as RecordBuilder<V>
  } catch {
    return (values) => {
      const record: Record<string, V> = {}
      for (let index = 0; index < names.length; index++)
        Object.defineProperty(record, names[index] as string, {
          value: values[index],
          enumerable: true,
          writable: true,
          configurable: true,
        })
      return record
    }
  }
}
