/**
 * Makes a value safe for `JSON.stringify`, for the dead-letter records that must always be
 * written: a BigInt becomes its decimal string, a circular reference the text `[Circular]`.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * `value` itself when JSON can hold it as it is (the usual case: no copy), otherwise a copy with
 * BigInts as strings and circular references as `[Circular]`. A `toJSON` method is honoured.
 *
 * @internal
 */
export function jsonSafe(value: unknown): unknown {
  try {
    JSON.stringify(value)
    return value
  } catch {
    return copy(value, new Set())
  }
}

function copy(value: unknown, path: Set<object>): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value !== 'object') return value
  const json = (value as { toJSON?: unknown }).toJSON
  if (typeof json === 'function') {
    let converted: unknown
    try {
      converted = (json as () => unknown).call(value)
    } catch (error) {
      return `[toJSON threw: ${error instanceof Error ? error.message : String(error)}]`
    }
    return converted === value ? '[Circular]' : copy(converted, path)
  }
  if (path.has(value)) return '[Circular]'
  path.add(value)
  let out: unknown
  if (Array.isArray(value)) out = value.map((item) => copy(item, path))
  else {
    const object: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) object[key] = copy(item, path)
    out = object
  }
  path.delete(value)
  return out
}
