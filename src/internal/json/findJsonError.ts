/**
 * Locates the first syntax error in a JSON text, with a reason in plain words. Used only after
 * `JSON.parse` has failed: V8's messages often carry no position and quote the whole input, which
 * for a 64 KiB batch or a long NDJSON line is neither precise nor readable.
 *
 * @internal
 * @packageDocumentation
 */

/** Where a JSON text goes wrong. @internal */
export interface JsonProblem {
  /** Index (UTF-16 code units) in the text where the problem is. */
  readonly index: number
  readonly reason: string
}

const ARRAY = 0
const OBJECT = 1

/**
 * Returns the first syntax error in `text` between `from` and `to`, or `undefined` if that range
 * holds exactly one valid JSON value (with surrounding whitespace).
 *
 * @internal
 */
export function findJsonError(text: string, from = 0, to = text.length): JsonProblem | undefined {
  let index = from
  // An explicit stack rather than recursion: deeply nested input must not overflow the call stack.
  const stack: number[] = []

  const skipSpace = (): void => {
    while (index < to) {
      const code = text.charCodeAt(index)
      if (code === 32 || code === 9 || code === 10 || code === 13) index++
      else return
    }
  }
  const found = (): string => (index >= to ? 'end of input' : describeChar(text, index))
  const problem = (expected: string): JsonProblem => ({
    index,
    reason: `unexpected ${found()}: expected ${expected}`,
  })

  const readString = (): JsonProblem | undefined => {
    index++ // the opening quote
    while (index < to) {
      const code = text.charCodeAt(index)
      if (code === 34) {
        index++
        return undefined
      }
      if (code === 92) {
        const next = text.charCodeAt(index + 1)
        if (next === 117) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, Math.min(index + 6, to)))) {
            index += 2
            return { index, reason: 'invalid \\u escape: expected four hexadecimal digits' }
          }
          index += 6
        } else if (index + 1 < to && '"\\/bfnrt'.includes(text.charAt(index + 1))) {
          index += 2
        } else {
          index++
          return problem('an escape character (one of " \\ / b f n r t u)')
        }
      } else if (code < 0x20) {
        return { index, reason: `unescaped ${found()} inside a string` }
      } else {
        index++
      }
    }
    return { index, reason: 'unterminated string' }
  }

  const readDigits = (): boolean => {
    const start = index
    while (index < to) {
      const code = text.charCodeAt(index)
      if (code >= 48 && code <= 57) index++
      else break
    }
    return index > start
  }

  const readNumber = (): JsonProblem | undefined => {
    if (text.charCodeAt(index) === 45) index++
    if (text.charCodeAt(index) === 48) index++
    else if (!readDigits()) return problem('a digit')
    if (index < to && text.charCodeAt(index) === 46) {
      index++
      if (!readDigits()) return problem('a digit after the decimal point')
    }
    const code = text.charCodeAt(index)
    if (index < to && (code === 101 || code === 69)) {
      index++
      const sign = text.charCodeAt(index)
      if (sign === 43 || sign === 45) index++
      if (!readDigits()) return problem('a digit in the exponent')
    }
    return undefined
  }

  // A literal must end by `to`: the text after the range is no part of it.
  const isLiteral = (literal: string): boolean =>
    index + literal.length <= to && text.startsWith(literal, index)

  const readKey = (): JsonProblem | undefined => {
    skipSpace()
    if (index >= to || text.charCodeAt(index) !== 34)
      return problem('a property name in double quotes')
    const error = readString()
    if (error !== undefined) return error
    skipSpace()
    if (index >= to || text.charCodeAt(index) !== 58) return problem("':' after a property name")
    index++
    return undefined
  }

  for (;;) {
    // A value.
    skipSpace()
    if (index >= to) return problem('a value')
    const code = text.charCodeAt(index)
    let error: JsonProblem | undefined
    if (code === 123) {
      index++
      skipSpace()
      if (index < to && text.charCodeAt(index) === 125) index++
      else {
        stack.push(OBJECT)
        error = readKey()
        if (error !== undefined) return error
        continue
      }
    } else if (code === 91) {
      index++
      skipSpace()
      if (index < to && text.charCodeAt(index) === 93) index++
      else {
        stack.push(ARRAY)
        continue
      }
    } else if (code === 34) error = readString()
    else if (code === 45 || (code >= 48 && code <= 57)) error = readNumber()
    else if (isLiteral('true')) index += 4
    else if (isLiteral('false')) index += 5
    else if (isLiteral('null')) index += 4
    else return problem('a value')
    if (error !== undefined) return error

    // After a value: a separator, the end of containers, or the end of the text.
    for (;;) {
      skipSpace()
      const container = stack[stack.length - 1]
      if (container === undefined) return index < to ? problem('the end of the input') : undefined
      const close = container === ARRAY ? 93 : 125
      const next = index < to ? text.charCodeAt(index) : -1
      if (next === 44) {
        index++
        if (container === OBJECT) {
          error = readKey()
          if (error !== undefined) return error
        }
        break
      }
      if (next === close) {
        index++
        stack.pop()
        continue
      }
      return problem(container === ARRAY ? "',' or ']'" : "',' or '}'")
    }
  }
}

function describeChar(text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0
  if (code < 0x20) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  return `'${String.fromCodePoint(code)}'`
}
