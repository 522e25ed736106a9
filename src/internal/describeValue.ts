/**
 * One way to show a value inside an error message, for every stage: strings quoted, numbers and
 * booleans as written (`NaN` too), bigints with their `n`, dates in ISO 8601, records and arrays
 * as JSON — cut at 60 characters. It never throws, whatever the value (a cycle, a hostile Proxy).
 *
 * @internal
 * @packageDocumentation
 */

/** The longest text shown; longer ones are cut and end in `…`. @internal */
export const MAX_DESCRIBED_LENGTH = 60

/** `value` as it reads in an error message. @internal */
export function describeValue(value: unknown): string {
  let text: string
  try {
    text = show(value)
  } catch {
    text = 'a value that cannot be shown'
  }
  return text.length > MAX_DESCRIBED_LENGTH ? `${text.slice(0, MAX_DESCRIBED_LENGTH - 1)}…` : text
}

function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(value)
    case 'bigint':
      return `${value}n`
    case 'function':
      return 'a function'
  }
  if (value === null) return 'null'
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Array.isArray(value) ? 'an array' : 'an object'
  }
}
