/**
 * Checks and skips one JSON value given in pieces, without keeping it: what `fromJson` does with
 * the members it passes on its way to `path`. Every character is looked at once, strings and
 * runs of backslashes included, and nesting is bounded, so any input takes linear time and
 * memory bounded by `maxDepth`.
 *
 * @internal
 * @packageDocumentation
 */

/** A syntax error at `index` of the piece being skipped. @internal */
export class JsonSkipError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(reason)
    this.name = 'JsonSkipError'
  }
}

const VALUE = 0
const AFTER_VALUE = 1
const KEY = 2
const COLON = 3
const STRING = 4
const KEY_STRING = 5
const NUMBER = 6
const LITERAL = 7
/** Just after `[` (a value or `]`) and just after `{` (a key or `}`). */
const ARRAY_FIRST = 8
const OBJECT_FIRST = 9
type State = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9

const ARRAY = 1
const OBJECT = 2

/** Where a number stands in its grammar. */
const N_SIGN = 0
const N_ZERO = 1
const N_INT = 2
const N_DOT = 3
const N_FRAC = 4
const N_E = 5
const N_EXP_SIGN = 6
const N_EXP = 7

const isDigit = (code: number): boolean => code >= 48 && code <= 57
const isSpace = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13
const isHex = (code: number): boolean =>
  isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102)

function describe(text: string, index: number): string {
  if (index >= text.length) return 'end of input'
  const code = text.codePointAt(index) ?? 0
  if (code < 0x20) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  return `'${String.fromCodePoint(code)}'`
}

/** @internal */
export class JsonValueSkipper {
  private state: State = VALUE
  private readonly stack: Uint8Array
  private depth = 0
  private done = false
  private escape = false
  private hex = 0
  private number = N_SIGN
  private literal = ''
  private literalAt = 0
  /** Line feeds passed, for the caller's line count. */
  lineFeeds = 0

  constructor(private readonly maxDepth: number) {
    this.stack = new Uint8Array(maxDepth + 1)
  }

  /** Starts a new value. */
  reset(): void {
    this.state = VALUE
    this.depth = 0
    this.done = false
    this.escape = false
    this.hex = 0
  }

  /**
   * Skips from `from`: returns the index just after the value, or -1 when the value goes on past
   * `text` (call again with the next piece, or `finish` at the end). Throws a JsonSkipError.
   */
  skip(text: string, from: number): number {
    let index = from
    const length = text.length
    while (index < length) {
      const state = this.state
      if (state === STRING || state === KEY_STRING) index = this.string(text, index)
      else if (state === NUMBER) index = this.numberChar(text, index)
      else if (state === LITERAL) index = this.literalChar(text, index)
      else {
        const code = text.charCodeAt(index)
        if (isSpace(code)) {
          if (code === 10) this.lineFeeds++
          index++
          continue
        }
        index = this.structural(text, index, code)
      }
      if (this.done) return index
    }
    return -1
  }

  /** The input ended at `index`: a number may end there; anything else is cut short. */
  finish(index: number): number {
    if (this.state === NUMBER && this.depth === 0 && this.numberComplete()) return index
    throw new JsonSkipError(index, 'unexpected end of input (is the file truncated?)')
  }

  private valueDone(): void {
    this.state = AFTER_VALUE
    if (this.depth === 0) this.done = true
  }

  private fail(text: string, index: number, expected: string): never {
    throw new JsonSkipError(index, `unexpected ${describe(text, index)}: expected ${expected}`)
  }

  private structural(text: string, index: number, code: number): number {
    switch (this.state) {
      case ARRAY_FIRST:
        if (code === 93) return this.close(index)
        return this.valueStart(text, index, code)
      case VALUE:
        return this.valueStart(text, index, code)
      case OBJECT_FIRST:
        if (code === 125) return this.close(index)
        if (code !== 34) this.fail(text, index, "a property name or '}'")
        this.state = KEY_STRING
        return index + 1
      case KEY:
        if (code !== 34) this.fail(text, index, 'a property name')
        this.state = KEY_STRING
        return index + 1
      case COLON:
        if (code !== 58) this.fail(text, index, "':'")
        this.state = VALUE
        return index + 1
      default: {
        const top = this.stack[this.depth - 1]
        if (code === 44 && top !== undefined && this.depth > 0) {
          this.state = top === OBJECT ? KEY : VALUE
          return index + 1
        }
        if ((top === ARRAY && code === 93) || (top === OBJECT && code === 125))
          return this.close(index)
        return this.fail(text, index, top === ARRAY ? "',' or ']'" : "',' or '}'")
      }
    }
  }

  private close(index: number): number {
    this.depth--
    this.valueDone()
    return index + 1
  }

  private valueStart(text: string, index: number, code: number): number {
    if (code === 34) {
      this.state = STRING
      return index + 1
    }
    if (code === 91 || code === 123) {
      if (this.depth >= this.maxDepth)
        throw new JsonSkipError(index, `nesting deeper than maxDepth (${this.maxDepth})`)
      this.stack[this.depth++] = code === 91 ? ARRAY : OBJECT
      this.state = code === 91 ? ARRAY_FIRST : OBJECT_FIRST
      return index + 1
    }
    if (code === 45 || isDigit(code)) {
      this.state = NUMBER
      this.number = code === 45 ? N_SIGN : code === 48 ? N_ZERO : N_INT
      return index + 1
    }
    const literal = code === 116 ? 'true' : code === 102 ? 'false' : code === 110 ? 'null' : ''
    if (literal === '') this.fail(text, index, 'a value')
    this.state = LITERAL
    this.literal = literal
    this.literalAt = 1
    return index + 1
  }

  private literalChar(text: string, index: number): number {
    if (text.charCodeAt(index) !== this.literal.charCodeAt(this.literalAt))
      this.fail(text, index, `'${this.literal.charAt(this.literalAt)}' of ${this.literal}`)
    if (++this.literalAt === this.literal.length) this.valueDone()
    return index + 1
  }

  /** Goes through a string's characters; returns where it stopped (after the quote, or the end). */
  private string(text: string, from: number): number {
    let index = from
    const length = text.length
    while (index < length) {
      const code = text.charCodeAt(index)
      if (this.hex > 0) {
        if (!isHex(code))
          throw new JsonSkipError(index, 'invalid \\u escape: expected four hexadecimal digits')
        this.hex--
      } else if (this.escape) {
        this.escape = false
        if (code === 117) this.hex = 4
        else if ('"\\/bfnrt'.indexOf(text.charAt(index)) < 0)
          this.fail(text, index, 'an escape character (one of " \\ / b f n r t u)')
      } else if (code === 92) this.escape = true
      else if (code === 34) {
        if (this.state === KEY_STRING) this.state = COLON
        else this.valueDone()
        return index + 1
      } else if (code < 0x20)
        throw new JsonSkipError(index, `unescaped ${describe(text, index)} inside a string`)
      index++
    }
    return index
  }

  /** Takes one character of a number, or ends the number before it (then it is read again). */
  private numberChar(text: string, index: number): number {
    const code = text.charCodeAt(index)
    const at = this.number
    if (isDigit(code)) {
      if (at === N_ZERO)
        this.fail(text, index, "'.', 'e' or the end of the number after a leading 0")
      if (at === N_SIGN) this.number = code === 48 ? N_ZERO : N_INT
      else if (at === N_DOT) this.number = N_FRAC
      else if (at === N_E || at === N_EXP_SIGN) this.number = N_EXP
      return index + 1
    }
    if (code === 46 && (at === N_ZERO || at === N_INT)) this.number = N_DOT
    else if ((code === 101 || code === 69) && (at === N_ZERO || at === N_INT || at === N_FRAC))
      this.number = N_E
    else if ((code === 43 || code === 45) && at === N_E) this.number = N_EXP_SIGN
    else {
      if (!this.numberComplete()) this.fail(text, index, 'a digit')
      this.valueDone()
      return index
    }
    return index + 1
  }

  private numberComplete(): boolean {
    const at = this.number
    return at === N_ZERO || at === N_INT || at === N_FRAC || at === N_EXP
  }
}
