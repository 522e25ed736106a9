/**
 * Makes a value safe for `JSON.stringify`, for the dead-letter records that must always be
 * written: a BigInt becomes its decimal string, a circular reference the text `[Circular]`, and
 * a value nested deeper than {@link MAX_DEPTH} levels is cut there (JSON.stringify and a
 * recursive copy would overflow the stack on it).
 *
 * @internal
 * @packageDocumentation
 */
import { setOwn } from './setOwn.js'

/** The deepest nesting kept; deeper values become the text `[cut: nested deeper than 256 levels]`. @internal */
export const MAX_DEPTH = 256

const CUT = `[cut: nested deeper than ${MAX_DEPTH} levels]`

/**
 * `value` itself when JSON can hold it as it is (the usual case: no copy), otherwise a copy with
 * BigInts as strings, circular references as `[Circular]` and nesting cut at {@link MAX_DEPTH}.
 * A `toJSON` method is honoured. Keys such as `__proto__` stay data. Never recursive, never throws
 * for depth.
 *
 * @internal
 */
export function jsonSafe(value: unknown): unknown {
  if (!deeperThan(value, MAX_DEPTH)) {
    try {
      JSON.stringify(value)
      return value
    } catch {
      // a BigInt, a cycle or a throwing toJSON: copied below
    }
  }
  return copy(value)
}

/** Whether `value` nests more than `limit` levels of objects and arrays (iterative). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ readonly value: unknown; readonly depth: number }> = [{ value, depth: 0 }]
  const seen = new Set<object>()
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number }
    if (current === null || typeof current !== 'object' || seen.has(current)) continue
    if (depth >= limit) return true
    seen.add(current)
    for (const item of Object.values(current)) stack.push({ value: item, depth: depth + 1 })
  }
  return false
}

/** A copy under construction: where to put the copy of `value` once made. */
interface Task {
  readonly value: unknown
  readonly depth: number
  /** The ancestors of `value` (for cycles). */
  readonly path: ReadonlySet<object>
  readonly put: (copied: unknown) => void
}

function copy(value: unknown): unknown {
  let result: unknown
  const stack: Task[] = [{ value, depth: 0, path: new Set(), put: (copied) => (result = copied) }]
  while (stack.length > 0) {
    const task = stack.pop() as Task
    const plain = leaf(task.value)
    if (plain.done) {
      task.put(plain.value)
      continue
    }
    const current = plain.value as object
    if (task.path.has(current)) {
      task.put('[Circular]')
      continue
    }
    if (task.depth >= MAX_DEPTH) {
      task.put(CUT)
      continue
    }
    const path = new Set(task.path).add(current)
    const depth = task.depth + 1
    if (Array.isArray(current)) {
      const out: unknown[] = Array.from({ length: current.length })
      task.put(out)
      current.forEach((item: unknown, index) =>
        stack.push({ value: item, depth, path, put: (copied) => (out[index] = copied) }),
      )
      continue
    }
    const out: Record<string, unknown> = {}
    task.put(out)
    const entries = Object.entries(current)
    // Keys in their order first: the stack fills them in reverse.
    for (const [key] of entries) setOwn(out, key, undefined)
    for (const [key, item] of entries)
      stack.push({ value: item, depth, path, put: (copied) => setOwn(out, key, copied) })
  }
  return result
}

/** A value as JSON holds it without copying (`done`), or the object to copy. */
function leaf(value: unknown): { readonly done: boolean; readonly value: unknown } {
  if (typeof value === 'bigint') return { done: true, value: value.toString() }
  if (value === null || typeof value !== 'object') return { done: true, value }
  const json = (value as { toJSON?: unknown }).toJSON
  if (typeof json !== 'function') return { done: false, value }
  let converted: unknown
  try {
    converted = (json as () => unknown).call(value)
  } catch (error) {
    return {
      done: true,
      value: `[toJSON threw: ${error instanceof Error ? error.message : String(error)}]`,
    }
  }
  if (converted === value) return { done: true, value: '[Circular]' }
  return leaf(converted)
}
