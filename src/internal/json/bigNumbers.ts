/**
 * JSON numbers that `JSON.parse` would change: integers beyond 2^53 that lose digits
 * (`9007199254740993` reads as `…992`), and numbers out of a double's range (`1e400` reads as
 * `Infinity`, `1e-400` as `0`). Found only in text that may hold one (a quick pattern test
 * first), then kept as failures, strings or bigints.
 *
 * @internal
 * @packageDocumentation
 */

/** What to do with a number `JSON.parse` would change. @internal */
export type BigNumberPolicy = 'fail' | 'string' | 'bigint'

/**
 * Text holding no run of 16 digits and no 3-digit exponent holds no such number. Written out
 * digit by digit: V8 runs this form several times faster than `\d{16}`, and it is tested on
 * every chunk read.
 */
const MAYBE_BIG = /\d(?:\d\d\d\d\d\d\d\d\d\d\d\d\d\d\d|[eE][-+\d]\d\d)/

/** Whether `text` may hold a number that `JSON.parse` would change. @internal */
export function mayHoldBigNumbers(text: string): boolean {
  return MAYBE_BIG.test(text)
}

/** A number of a JSON text that `JSON.parse` would change. @internal */
export interface BigNumber {
  readonly start: number
  readonly end: number
  /** Where it is: `id`, `items[2].amount`, `[3]`; empty for a top-level number. */
  readonly path: string
  readonly text: string
  /** Whether it is an integer literal (no fraction, no exponent). */
  readonly integer: boolean
}

/** Whether a number literal reads back as a different value. */
function changes(literal: string, integer: boolean): boolean {
  const value = Number(literal)
  // Changed: neither the exact value nor the digits written come back.
  if (integer)
    return (
      !Number.isSafeInteger(value) && String(value) !== literal && BigInt(value) !== BigInt(literal)
    )
  if (!Number.isFinite(value)) return true
  return value === 0 && /[1-9]/.test(literal.replace(/[eE].*$/, ''))
}

interface Frame {
  readonly array: boolean
  index: number
  key: string
}

function describe(stack: readonly Frame[]): string {
  let path = ''
  for (const frame of stack)
    path += frame.array ? `[${frame.index}]` : path === '' ? frame.key : `.${frame.key}`
  return path
}

/**
 * The numbers of the valid JSON `text` (one value, or a list of values separated by commas)
 * that `JSON.parse` would change, with where they are.
 *
 * @internal
 */
export function findBigNumbers(text: string): BigNumber[] {
  const found: BigNumber[] = []
  const stack: Frame[] = []
  let pendingKey: string | undefined
  let index = 0
  const length = text.length
  while (index < length) {
    const code = text.charCodeAt(index)
    if (code === 34) {
      const start = index
      index++
      while (index < length) {
        const char = text.charCodeAt(index)
        if (char === 92) index += 2
        else if (char === 34) break
        else index++
      }
      index++
      const top = stack[stack.length - 1]
      // A string followed by ':' is a key.
      let after = index
      while (after < length && /\s/.test(text.charAt(after))) after++
      if (top !== undefined && !top.array && text.charCodeAt(after) === 58)
        pendingKey = JSON.parse(text.slice(start, index)) as string
      continue
    }
    if (code === 123 || code === 91) {
      stack.push({ array: code === 91, index: 0, key: '' })
      index++
      continue
    }
    if (code === 125 || code === 93) {
      stack.pop()
      index++
      continue
    }
    if (code === 44) {
      const top = stack[stack.length - 1]
      if (top?.array === true) top.index++
      index++
      continue
    }
    if (code === 58) {
      const top = stack[stack.length - 1]
      if (top !== undefined && pendingKey !== undefined) top.key = pendingKey
      pendingKey = undefined
      index++
      continue
    }
    if (code === 45 || (code >= 48 && code <= 57)) {
      const start = index
      let integer = true
      index++
      while (index < length) {
        const char = text.charCodeAt(index)
        if (char >= 48 && char <= 57) index++
        else if (char === 46 || char === 101 || char === 69 || char === 43 || char === 45) {
          integer = false
          index++
        } else break
      }
      const literal = text.slice(start, index)
      if ((literal.length >= 16 || !integer) && changes(literal, integer))
        found.push({ start, end: index, path: describe(stack), text: literal, integer })
      continue
    }
    index++
  }
  return found
}

/**
 * Marks a kept bigint in the rewritten text: a run of U+0000 longer than any in the text's
 * strings, then `bigint:`. JSON writes U+0000 in a string only as the escape `\u0000`, so a
 * string of the data never starts with the mark (usually one U+0000: most texts hold no escape).
 */
function bigintMark(text: string): string {
  let longest = 0
  if (text.includes('\\u0000'))
    for (const run of text.matchAll(/(?:\\u0000)+/g)) longest = Math.max(longest, run[0].length / 6)
  return '\u0000'.repeat(longest + 1) + 'bigint:'
}

/**
 * Parses the valid JSON `text` keeping the numbers in `numbers` as strings, or (`bigint`) their
 * integers as bigints.
 *
 * @internal
 */
export function parseKeeping(
  text: string,
  numbers: readonly BigNumber[],
  policy: 'string' | 'bigint',
): unknown {
  const mark = policy === 'bigint' ? bigintMark(text) : ''
  // The mark as written in the rewritten JSON text.
  const written = mark.replaceAll('\u0000', '\\u0000')
  let rewritten = ''
  let from = 0
  for (const number of numbers) {
    const kept = policy === 'bigint' && number.integer ? `${written}${number.text}` : number.text
    rewritten += `${text.slice(from, number.start)}"${kept}"`
    from = number.end
  }
  rewritten += text.slice(from)
  if (policy === 'string') return JSON.parse(rewritten)
  return JSON.parse(rewritten, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(mark) ? BigInt(value.slice(mark.length)) : value,
  )
}

/** Why a number is refused, for a failure. @internal */
export function bigNumberReason(number: BigNumber): string {
  const where = number.path === '' ? '' : ` at ${number.path}`
  const reads = String(Number(number.text))
  const why = number.integer
    ? `is beyond 2^53 and would read as ${reads}`
    : `is out of range and would read as ${reads}`
  return `the number ${number.text}${where} ${why}; pass bigNumbers: 'string' or 'bigint' to keep it`
}
