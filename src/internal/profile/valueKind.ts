/**
 * The kind of one non-missing value, as a profile infers column types: by the value's own type, or
 * for text by its shape (`"42"` is an integer, `"2026-03-01"` a date).
 *
 * @internal
 */
export type ValueKind =
  'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'email' | 'string' | 'object'

/** The kind of `value`, which is neither missing nor empty. @internal */
export function valueKind(value: unknown): ValueKind {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number'
    case 'bigint':
      return 'integer'
    case 'boolean':
      return 'boolean'
    case 'string':
      return textKind(value)
    default:
      return value instanceof Date ? 'datetime' : 'object'
  }
}

const DIGIT_0 = 48
const DIGIT_9 = 57

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9
}

/** The kind of a text value, from its characters; no regular expression on the common paths. */
export function textKind(text: string): ValueKind {
  const length = text.length
  const first = text.charCodeAt(0)
  if (isDigit(first) || first === 43 /* + */ || first === 45 /* - */ || first === 46 /* . */) {
    const numeric = numericKind(text)
    if (numeric !== undefined) return numeric
    if (length >= 10 && isDateAt(text)) {
      if (length === 10) return 'date'
      const separator = text.charCodeAt(10)
      if ((separator === 84 /* T */ || separator === 32) && DATETIME_TAIL.test(text))
        return 'datetime'
    }
    return text.includes('@') && EMAIL.test(text) ? 'email' : 'string'
  }
  if ((length === 4 || length === 5) && isBooleanWord(text)) return 'boolean'
  return text.includes('@') && EMAIL.test(text) ? 'email' : 'string'
}

const DATETIME_TAIL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

function isDateAt(text: string): boolean {
  return (
    isDigit(text.charCodeAt(0)) &&
    isDigit(text.charCodeAt(1)) &&
    isDigit(text.charCodeAt(2)) &&
    isDigit(text.charCodeAt(3)) &&
    text.charCodeAt(4) === 45 &&
    isDigit(text.charCodeAt(5)) &&
    isDigit(text.charCodeAt(6)) &&
    text.charCodeAt(7) === 45 &&
    isDigit(text.charCodeAt(8)) &&
    isDigit(text.charCodeAt(9))
  )
}

/** `integer` or `number` when the whole text is a decimal number, else undefined. */
function numericKind(text: string): ValueKind | undefined {
  let i = 0
  const length = text.length
  const sign = text.charCodeAt(0)
  if (sign === 43 || sign === 45) i = 1
  let digits = 0
  while (i < length && isDigit(text.charCodeAt(i))) {
    i++
    digits++
  }
  if (i === length) return digits > 0 ? 'integer' : undefined
  let fraction = 0
  if (text.charCodeAt(i) === 46) {
    i++
    while (i < length && isDigit(text.charCodeAt(i))) {
      i++
      fraction++
    }
  }
  if (digits + fraction === 0) return undefined
  const e = text.charCodeAt(i)
  if (e === 101 || e === 69) {
    i++
    const expSign = text.charCodeAt(i)
    if (expSign === 43 || expSign === 45) i++
    let exponent = 0
    while (i < length && isDigit(text.charCodeAt(i))) {
      i++
      exponent++
    }
    if (exponent === 0) return undefined
  }
  return i === length ? 'number' : undefined
}

/** `true` or `false` in any case, without allocating a lower-case copy. */
function isBooleanWord(text: string): boolean {
  const word = text.length === 4 ? 'true' : 'false'
  for (let i = 0; i < word.length; i++)
    if ((text.charCodeAt(i) | 0x20) !== word.charCodeAt(i)) return false
  return true
}
