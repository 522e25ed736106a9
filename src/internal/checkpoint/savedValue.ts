/**
 * Values of operator state as JSON, for the checkpoint journal: the records `dedupe` keeps, the
 * heads and accumulators of `aggregate`'s groups. JSON's own values (strings, finite numbers,
 * booleans, null, arrays, plain objects) are written as they are; `undefined`, `-0`, `NaN`,
 * `±Infinity`, bigints and Dates are tagged so they read back the same. Anything else — a
 * function, a symbol, a Map, a class instance, a cycle — cannot be saved: `saveValue` throws,
 * naming what and where, so a checkpoint is refused rather than resumed wrongly.
 *
 * A tag is an object whose only key is `$` plus `v`: a plain object of the data that has a `$`
 * key is wrapped (`{ $: 'o', v }`) so it is never taken for a tag.
 *
 * @internal
 * @packageDocumentation
 */
import { describeValue } from '../describeValue.js'
import { setOwn } from '../setOwn.js'

/** Nested objects and arrays deeper than this are taken for a cycle. */
const MAX_DEPTH = 200

/**
 * `value` as JSON that {@link restoreValue} turns back into an equal value; throws an Error
 * starting with `where` for a value that cannot be saved.
 *
 * @internal
 */
export function saveValue(value: unknown, where: string): unknown {
  return save(value, where, 0)
}

function save(value: unknown, where: string, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value
      return { $: 'n', v: Object.is(value, -0) ? '-0' : String(value) }
    case 'bigint':
      return { $: 'b', v: value.toString() }
    case 'undefined':
      return { $: 'u' }
    case 'object':
      break
    default:
      throw cannot(value, where)
  }
  if (value === null) return null
  if (depth > MAX_DEPTH) throw cannot(value, where, 'nested too deep (a cycle?)')
  if (value instanceof Date) {
    const time = value.getTime()
    return { $: 'd', v: Number.isNaN(time) ? 'NaN' : time }
  }
  if (Array.isArray(value)) {
    const list: unknown[] = []
    for (let index = 0; index < value.length; index++)
      list.push(save(value[index], where, depth + 1))
    return list
  }
  const prototype: unknown = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) throw cannot(value, where)
  const saved: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value))
    setOwn(saved, key, save(field, where, depth + 1))
  return Object.hasOwn(value, '$') ? { $: 'o', v: saved } : saved
}

function cannot(value: unknown, where: string, why = 'not JSON data'): Error {
  return new Error(`${where}: cannot save ${kindOf(value)} in a checkpoint: ${why}`)
}

/** What a value that cannot be saved is: `a Map`, `a function`, `an object`. */
function kindOf(value: unknown): string {
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  const prototype: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined
  const name = (prototype as { constructor?: { name?: unknown } } | undefined)?.constructor?.name
  return typeof name === 'string' && name !== '' && name !== 'Object'
    ? `a ${name}`
    : describeValue(value)
}

/**
 * The value {@link saveValue} saved.
 *
 * @internal
 */
export function restoreValue(saved: unknown): unknown {
  if (saved === null || typeof saved !== 'object') return saved
  if (Array.isArray(saved)) return saved.map(restoreValue)
  const tagged = saved as { readonly $?: unknown; readonly v?: unknown }
  switch (tagged.$) {
    case undefined:
      return restoreFields(saved as Record<string, unknown>)
    case 'u':
      return undefined
    case 'n':
      return Number(tagged.v)
    case 'b':
      return BigInt(tagged.v as string)
    case 'd':
      return new Date(Number(tagged.v))
    case 'o':
      return restoreFields(tagged.v as Record<string, unknown>)
    default:
      throw new Error(`checkpoint: a saved value has an unknown tag ${JSON.stringify(tagged.$)}`)
  }
}

function restoreFields(saved: Record<string, unknown>): Record<string, unknown> {
  const value: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(saved)) setOwn(value, key, restoreValue(field))
  return value
}
