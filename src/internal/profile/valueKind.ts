/**
 * The kind of one non-missing value, as a profile infers column types: by the value's own type, or
 * for text by its shape (`"42"` is an integer, `"2026-03-01"` a date).
 *
 * @internal
 */
export type ValueKind =
  'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'email' | 'string' | 'object'

/** The kinds by their code: a profile counts kinds in an array indexed by code. @internal */
export const KINDS: readonly ValueKind[] = [
  'integer',
  'number',
  'boolean',
  'date',
  'datetime',
  'email',
  'string',
  'object',
]
/** Kind codes (indexes into {@link KINDS}); the numeric ones come first. @internal */
export const INTEGER = 0
export const NUMBER = 1
export const BOOLEAN = 2
export const DATE = 3
export const DATETIME = 4
export const EMAIL = 5
export const STRING = 6
export const OBJECT = 7

/** Where {@link scanText} leaves the number it read, so reading one allocates nothing. @internal */
export interface NumberSlot {
  value: number
  /**
   * For a number read digit by digit (at most 15 digits, no exponent): its digits as an integer
   * and its shape (length, fraction digits, point, sign), which together give back the exact text
   * (see {@link numberTextHash}); `shape` is -1 otherwise.
   */
  digits: number
  shape: number
}

/** The kind of `value`, which is neither missing nor empty. @internal */
export function valueKind(value: unknown): ValueKind {
  return KINDS[valueKindCode(value)] as ValueKind
}

/** {@link valueKind} as a code. @internal */
export function valueKindCode(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? INTEGER : NUMBER
    case 'bigint':
      return INTEGER
    case 'boolean':
      return BOOLEAN
    case 'string':
      return scanText(value, { value: 0, digits: 0, shape: -1 })
    default:
      return value instanceof Date ? DATETIME : OBJECT
  }
}

/** The kind of a text value, from its characters. @internal */
export function textKind(text: string): ValueKind {
  return KINDS[scanText(text, { value: 0, digits: 0, shape: -1 })] as ValueKind
}

const DIGIT_0 = 48
const DIGIT_9 = 57
const PLUS = 43
const MINUS = 45
const DOT = 46
const AT = 64
const COLON = 58

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9
}

/** Exact powers of ten: a mantissa below 2^53 divided by one of them is correctly rounded. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, index) => 10 ** index)

/**
 * The kind code of a non-empty text, in one pass over its characters and without a regular
 * expression; for `INTEGER` and `NUMBER` the number it reads (as `Number(text)` would) is left in
 * `slot.value`. The first character decides which shapes are tried at all.
 *
 * @internal
 */
export function scanText(text: string, slot: NumberSlot): number {
  const first = text.charCodeAt(0)
  if (isDigit(first) || first === PLUS || first === MINUS || first === DOT) {
    const numeric = scanNumber(text, slot)
    if (numeric >= 0) return numeric
  }
  return textShape(text, first)
}

/**
 * The kind code of a non-empty text that {@link readNumber} found not to be a number: the rest of
 * {@link scanText}, without reading the number again.
 *
 * @internal
 */
export function scanNonNumericText(text: string): number {
  return textShape(text, text.charCodeAt(0))
}

/** {@link scanText} past the numbers; `first` is the text's first code unit. */
function textShape(text: string, first: number): number {
  const length = text.length
  if (isDigit(first)) {
    if (length >= 10 && isDateAt(text)) {
      if (length === 10) return DATE
      const separator = text.charCodeAt(10)
      if ((separator === 84 /* T */ || separator === 32) && isTimeTail(text)) return DATETIME
    }
  } else if ((length === 4 || length === 5) && isBooleanWord(text)) return BOOLEAN
  return isEmail(text) ? EMAIL : STRING
}

/**
 * `INTEGER` or `NUMBER` (its number in `slot.value`) when the whole text is a decimal number, else
 * -1: the numeric part of {@link scanText} alone, for when other shapes need not be told apart.
 * A number ends in a digit or a point: a text of {@link LAST_FIRST} units or more that does not is
 * ruled out by its last unit before any other (a timestamp would read its year first).
 *
 * @internal
 */
export function readNumber(text: string, slot: NumberSlot): number {
  const first = text.charCodeAt(0)
  if (!(isDigit(first) || first === PLUS || first === MINUS || first === DOT)) return -1
  const length = text.length
  if (length >= LAST_FIRST) {
    const last = text.charCodeAt(length - 1)
    if (!isDigit(last) && last !== DOT) return -1
  }
  return scanNumber(text, slot)
}

/** From this length on, {@link readNumber} looks at the last unit first (ids and amounts are shorter). */
const LAST_FIRST = 10

/**
 * `INTEGER` or `NUMBER` when the whole text is a decimal number (`[+-]digits[.digits][e[+-]digits]`,
 * with a digit somewhere before any exponent), else -1. Up to 15 digits and no exponent, the value
 * is built from the digits (mantissa ÷ a power of ten, correctly rounded); otherwise `Number`.
 */
function scanNumber(text: string, slot: NumberSlot): number {
  // Every read stays below `length`: one `charCodeAt` past the end deoptimises the function, and
  // V8 then calls the generic builtin at that site for good (several times slower per character).
  const length = text.length
  let i = 0
  const sign = text.charCodeAt(0)
  if (sign === PLUS || sign === MINUS) i = 1
  let mantissa = 0
  let digits = 0
  let code = 0
  for (; i < length; i++) {
    code = text.charCodeAt(i)
    if (code < DIGIT_0 || code > DIGIT_9) break
    mantissa = mantissa * 10 + (code - DIGIT_0)
    digits++
  }
  if (i === length) {
    if (digits === 0) return -1
    if (digits <= 15) {
      slot.value = sign === MINUS ? -mantissa : mantissa
      slot.digits = mantissa
      slot.shape = length | (sign << 16)
    } else {
      slot.value = Number(text)
      slot.shape = -1
    }
    return INTEGER
  }
  let fraction = 0
  if (code === DOT) {
    for (i++; i < length; i++) {
      code = text.charCodeAt(i)
      if (code < DIGIT_0 || code > DIGIT_9) break
      mantissa = mantissa * 10 + (code - DIGIT_0)
      fraction++
    }
  }
  if (digits + fraction === 0) return -1
  if (i === length) {
    if (digits + fraction <= 15) {
      const value = mantissa / (POWERS_OF_TEN[fraction] as number)
      slot.value = sign === MINUS ? -value : value
      slot.digits = mantissa
      // A point is there (this branch), so the fraction count (0 for "5.") tells the shape.
      slot.shape = length | (sign << 16) | ((fraction + 1) << 24)
    } else {
      slot.value = Number(text)
      slot.shape = -1
    }
    return NUMBER
  }
  if (code !== 101 && code !== 69) return -1
  i++
  if (i < length) {
    code = text.charCodeAt(i)
    if (code === PLUS || code === MINUS) i++
  }
  const exponentStart = i
  while (i < length && isDigit(text.charCodeAt(i))) i++
  if (i === exponentStart || i !== length) return -1
  slot.value = Number(text)
  slot.shape = -1
  return NUMBER
}

/** `dddd-dd-dd` at the start. */
function isDateAt(text: string): boolean {
  return (
    isDigit(text.charCodeAt(0)) &&
    isDigit(text.charCodeAt(1)) &&
    isDigit(text.charCodeAt(2)) &&
    isDigit(text.charCodeAt(3)) &&
    text.charCodeAt(4) === MINUS &&
    isDigit(text.charCodeAt(5)) &&
    isDigit(text.charCodeAt(6)) &&
    text.charCodeAt(7) === MINUS &&
    isDigit(text.charCodeAt(8)) &&
    isDigit(text.charCodeAt(9))
  )
}

/**
 * After a date and `T` or a space at 10: `hh:mm[:ss[.fraction]][Z|±hh[:]mm]` to the end, as
 * `^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$` reads it.
 */
function isTimeTail(text: string): boolean {
  // Reads stay below the length (see scanNumber).
  const length = text.length
  if (length < 16) return false
  if (!(isTwoDigits(text, 11) && text.charCodeAt(13) === COLON && isTwoDigits(text, 14)))
    return false
  let i = 16
  if (i < length && text.charCodeAt(i) === COLON) {
    if (length < 19 || !isTwoDigits(text, i + 1)) return false
    i += 3
    if (i < length && text.charCodeAt(i) === DOT) {
      const start = ++i
      while (i < length && isDigit(text.charCodeAt(i))) i++
      if (i === start) return false
    }
  }
  if (i === length) return true
  const zone = text.charCodeAt(i)
  if (zone === 90 /* Z */) return i + 1 === length
  if (zone !== PLUS && zone !== MINUS) return false
  if (i + 3 > length || !isTwoDigits(text, i + 1)) return false
  i += 3
  if (i < length && text.charCodeAt(i) === COLON) i++
  return i + 2 === length && isTwoDigits(text, i)
}

function isTwoDigits(text: string, at: number): boolean {
  return isDigit(text.charCodeAt(at)) && isDigit(text.charCodeAt(at + 1))
}

/**
 * `local@label(.label)+` where no part is empty and none holds whitespace or `@` (labels no `.`),
 * as `^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$` reads it; most text is ruled out by `indexOf('@')`.
 */
function isEmail(text: string): boolean {
  const at = text.indexOf('@')
  if (at <= 0) return false
  const length = text.length
  for (let i = 0; i < at; i++) if (isSpace(text.charCodeAt(i))) return false
  let labels = 0
  let labelLength = 0
  for (let i = at + 1; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code === DOT) {
      if (labelLength === 0) return false
      labels++
      labelLength = 0
    } else if (code === AT || isSpace(code)) return false
    else labelLength++
  }
  return labelLength > 0 && labels >= 1
}

/** What `\s` matches in a JavaScript regular expression. */
function isSpace(code: number): boolean {
  if (code > 32 && code < 160) return false
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  )
}

/** `true` or `false` in any case, without allocating a lower-case copy. */
function isBooleanWord(text: string): boolean {
  const word = text.length === 4 ? 'true' : 'false'
  for (let i = 0; i < word.length; i++)
    if ((text.charCodeAt(i) | 0x20) !== word.charCodeAt(i)) return false
  return true
}

/**
 * The hash {@link hashString} would serve for, computed from what {@link scanNumber} read instead
 * of from the characters again: the digits as an integer and the shape (length, sign character,
 * fraction digits + 1 when there is a point) determine the text exactly (leading zeros are the
 * length minus the rest), so distinct texts keep distinct inputs. For `slot.shape >= 0` only.
 *
 * @internal
 */
export function numberTextHash(slot: NumberSlot): number {
  const digits = slot.digits
  let h = Math.imul(0x2f6b3c1d ^ (digits >>> 0), 0x9e3779b1)
  h ^= h >>> 16
  h = Math.imul(h ^ Math.floor(digits / 4294967296), 0x9e3779b1)
  h ^= h >>> 16
  h = Math.imul(h ^ slot.shape, 0x9e3779b1)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
