/**
 * Streams a JSON document given as text chunks: the elements of a top-level array (or of an array
 * found at a property path inside objects) as they arrive, or a single top-level object whole.
 *
 * Why not a token-level streaming parser (stream-json): on 1M small records it ran ~10× slower
 * than `JSON.parse` per record, and its errors carry no position. This splitter only tracks
 * strings and bracket nesting to find where top-level elements end, then hands each chunk's
 * complete elements to one `JSON.parse` call; memory holds one chunk plus the element in progress.
 *
 * @internal
 * @packageDocumentation
 */
import {
  bigNumberReason,
  findBigNumbers,
  mayHoldBigNumbers,
  parseKeeping,
  type BigNumberPolicy,
} from './bigNumbers.js'
import { findJsonError } from './findJsonError.js'
import { countLines, JsonSyntaxError } from './JsonSyntaxError.js'
import { JsonSkipError, JsonValueSkipper } from './JsonValueSkipper.js'

/** What the document is expected to be. @internal */
export type DocumentShape = 'auto' | 'array' | 'object'

/** @internal */
export interface SplitterOptions {
  readonly shape: DocumentShape
  /** Property names leading to the array to stream (`['data', 'items']`); empty for the top level. */
  readonly path: readonly string[]
  /** The size in bytes of decoded text in the input's encoding. */
  readonly byteLength: (text: string) => number
  /** The largest element (or single object), in bytes of the input's encoding. */
  readonly maxRecordBytes: number
  /** The deepest nesting of arrays and objects in an element, or skipped on the way to `path`. */
  readonly maxDepth: number
  /** What to do with numbers `JSON.parse` would change. */
  readonly bigNumbers: BigNumberPolicy
}

/**
 * An element refused for a number `JSON.parse` would change, in place of its value: the reader
 * makes it a failure.
 *
 * @internal
 */
export class RefusedNumber {
  constructor(
    readonly reason: string,
    readonly field: string,
    readonly line: number,
  ) {}
}

/** `done`: a nested array ended; the rest of the document is not read. */
type Phase = 'start' | 'navigate' | 'array' | 'object' | 'after' | 'done'

/** Where the navigation stands inside an object on the way to the array. */
type NavigationStep = 'key' | 'keyString' | 'colon' | 'value' | 'skip' | 'comma'

const CLOSE_ARRAY = 93
const CLOSE_OBJECT = 125

/** @internal */
export class JsonDocumentSplitter {
  private phase: Phase = 'start'
  /** Text not yet consumed; `buffer[0]` is at byte `consumedBytes` of the input. */
  private buffer = ''
  private consumedBytes = 0
  /** The next index of `buffer` to scan, and its line. */
  private position = 0
  private line = 1
  /** Where the current batch of elements starts (after `[` or a top-level comma), and its line. */
  private batchStart = 0
  private batchLine = 1
  /** Whether the last element boundary was a comma (so another element must follow). */
  private afterComma = false
  /** Closing brackets expected inside the element (or skipped value) being scanned. */
  private readonly closers: number[] = []
  private inString = false
  /** Backslashes ending the scanned text of a string that continues in the next chunk. */
  private backslashes = 0
  /** The newest chunk, the end of `buffer`. */
  private chunk = ''
  private started = false
  /** The whole text of a single top-level object, and where it started. */
  private readonly objectParts: string[] = []
  private objectChars = 0
  private objectBytes = 0
  private objectLine = 1
  /** Nesting of the single object, followed outside its strings. */
  private objectDepth = 0
  private objectInString = false
  private objectEscape = false
  /** How many path names have been matched while navigating. */
  private depth = 0
  private step: NavigationStep = 'key'
  /** The key being read (at most a few times the length of the name it may match). */
  private key = ''
  private keyTooLong = false
  /** Whether the key just read is the next name of the path. */
  private matched = false
  /** Checks the members skipped on the way to the array, and property names. */
  private readonly skipper: JsonValueSkipper
  /** Where the current element of the array starts. */
  private elementStart = 0
  constructor(private readonly options: SplitterOptions) {
    this.skipper = new JsonValueSkipper(options.maxDepth)
  }

  /** Whether the values are all out and the rest of the input is not needed. */
  get done(): boolean {
    return this.phase === 'done'
  }

  /** Takes the next chunk of text; returns the values completed by it. */
  write(chunk: string): unknown[] {
    if (this.phase === 'done') return []
    let text = chunk
    if (!this.started) {
      if (text.length === 0) return []
      this.started = true
      if (text.charCodeAt(0) === 0xfeff) {
        this.consumedBytes += this.options.byteLength('\uFEFF')
        text = text.slice(1)
      }
    }
    if (this.phase === 'object') {
      this.takeObjectPart(text, 0)
      return []
    }
    this.buffer = this.buffer.length === 0 ? text : this.buffer + text
    this.chunk = text
    return this.scan(false)
  }

  /** The input ended: returns the last values, or throws if the document is incomplete. */
  end(): unknown[] {
    const values = this.scan(true)
    switch (this.phase) {
      case 'start':
        throw this.errorAt(this.position, 'the input is empty: expected a JSON array or object')
      case 'navigate':
      case 'array':
        throw this.truncated()
      case 'object':
        return [this.parseObject()]
      case 'after':
      case 'done':
        return values
    }
  }

  // ---- scanning -------------------------------------------------------------------------------

  private scan(ended: boolean): unknown[] {
    let values: unknown[] = []
    for (;;) {
      const phase = this.phase
      if (phase === 'start') this.scanStart(ended)
      else if (phase === 'navigate') this.scanNavigation()
      else if (phase === 'array') values = values.concat(this.scanArray())
      else if (phase === 'after') this.scanAfter()
      // The phase changes only once the text that decides it is there; stop when it stays.
      if (this.phase === phase || this.phase === 'object' || this.phase === 'done') return values
    }
  }

  private scanStart(ended: boolean): void {
    const index = this.skipSpace(this.buffer, this.position)
    this.position = index
    if (index >= this.buffer.length) {
      this.compact(index)
      return
    }
    const code = this.buffer.charCodeAt(index)
    const { shape, path } = this.options
    if (code === 91) {
      if (path.length > 0)
        throw this.errorAt(
          index,
          `expected an object holding ${describePath(path)}, found an array`,
        )
      if (shape === 'object') throw this.errorAt(index, 'expected a JSON object, found an array')
      this.openArray(index)
      return
    }
    if (code === 123) {
      if (path.length > 0) {
        this.position = index + 1
        this.phase = 'navigate'
        this.step = 'key'
        return
      }
      if (shape === 'array')
        throw this.errorAt(
          index,
          "expected a JSON array, found an object (use format: 'object' to read it as one record, or path to stream an array inside it)",
        )
      this.phase = 'object'
      this.objectBytes = this.bytesAt(index)
      this.objectLine = this.line
      const rest = this.buffer.slice(index)
      this.buffer = ''
      this.position = 0
      this.takeObjectPart(rest, this.objectBytes)
      return
    }
    if (!ended && index + 5 >= this.buffer.length) return
    throw this.errorAt(
      index,
      `the top-level value is ${describeScalar(this.buffer, index)}: fromJson reads an array, an object, or NDJSON (format: 'ndjson')`,
    )
  }

  private openArray(index: number): void {
    this.phase = 'array'
    this.position = index + 1
    this.batchStart = index + 1
    this.elementStart = index + 1
    this.batchLine = this.line
    this.afterComma = false
  }

  /**
   * Keeps a piece of the single object, failing as soon as it passes `maxRecordBytes` or
   * `maxDepth` (so a huge or hostile document is never held whole).
   */
  private takeObjectPart(text: string, startBytes: number): void {
    const { maxRecordBytes, maxDepth } = this.options
    this.objectChars += text.length
    this.objectParts.push(text)
    if (this.objectChars > maxRecordBytes)
      throw new JsonSyntaxError(
        `the object is larger than maxRecordBytes (${maxRecordBytes} bytes): if the input holds one JSON value per line, read it with format: 'ndjson'; to stream an array inside it, use path`,
        startBytes === 0 ? this.objectBytes : startBytes,
        this.objectLine,
        'limit',
      )
    let depth = this.objectDepth
    let inString = this.objectInString
    let escape = this.objectEscape
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index)
      if (inString) {
        if (escape) escape = false
        else if (code === 92) escape = true
        else if (code === 34) inString = false
      } else if (code === 34) inString = true
      else if (code === 91 || code === 123) {
        if (++depth > maxDepth)
          throw new JsonSyntaxError(
            `nesting deeper than maxDepth (${maxDepth})`,
            this.objectBytes,
            this.objectLine,
            'limit',
          )
      } else if (code === 93 || code === 125) depth--
    }
    this.objectDepth = depth
    this.objectInString = inString
    this.objectEscape = escape
  }

  private scanArray(): unknown[] {
    // Scan the newest chunk on its own: indexing the whole buffer would flatten the concatenation
    // on every chunk, copying an element that spans k chunks k times.
    const chunkStart = this.buffer.length - this.chunk.length
    const base = chunkStart > 0 && this.position >= chunkStart ? chunkStart : 0
    const text = base === 0 ? this.buffer : this.chunk
    const length = text.length
    const closers = this.closers
    let index = this.position - base
    let line = this.line
    let inString = this.inString
    let boundary = -1
    let boundaryLine = line
    let closed = false
    while (index < length) {
      if (inString) {
        const quote = closingQuote(text, index, this.backslashes)
        if (quote < 0) {
          this.backslashes = trailingBackslashes(text, index, this.backslashes)
          index = length
          break
        }
        inString = false
        index = quote + 1
        continue
      }
      const code = text.charCodeAt(index)
      if (code === 34) {
        inString = true
        this.backslashes = 0
      } else if (code === 91 || code === 123) {
        if (closers.length >= this.options.maxDepth) {
          this.line = line
          throw this.limitAt(
            base + index,
            `nesting deeper than maxDepth (${this.options.maxDepth})`,
          )
        }
        closers.push(code === 91 ? CLOSE_ARRAY : CLOSE_OBJECT)
      } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
        if (closers.length === 0) {
          if (code === CLOSE_OBJECT) {
            this.line = line
            throw this.elementError(
              base + index + 1,
              base + index,
              "unexpected '}': expected ',' or ']'",
            )
          }
          boundary = base + index
          boundaryLine = line
          closed = true
          this.line = line
          this.checkElement(boundary)
          index++
          break
        }
        if (closers.pop() !== code) {
          this.line = line
          throw this.elementError(
            base + index + 1,
            base + index,
            `unexpected '${text.charAt(index)}'`,
          )
        }
      } else if (code === 44) {
        if (closers.length === 0) {
          boundary = base + index
          boundaryLine = line
          this.line = line
          this.checkElement(boundary)
          this.elementStart = boundary + 1
        }
      } else if (code === 10) line++
      index++
    }
    this.position = base + index
    this.line = line
    this.inString = inString

    if (boundary < 0) {
      if (this.buffer.length - this.elementStart > this.options.maxRecordBytes)
        this.checkElement(this.buffer.length)
      return []
    }
    const values = this.parseBatch(boundary, closed)
    this.afterComma = !closed
    this.batchStart = boundary + 1
    this.elementStart = boundary + 1
    this.batchLine = boundaryLine
    if (closed) this.phase = this.options.path.length > 0 ? 'done' : 'after'
    this.compact(this.batchStart)
    return values
  }

  /** Fails when the element from `elementStart` to `end` is larger than `maxRecordBytes`. */
  private checkElement(end: number): void {
    const max = this.options.maxRecordBytes
    if ((end - this.elementStart) * 3 <= max) return
    // The element itself, without the white space around it.
    const text = this.buffer
    let start = this.elementStart
    let stop = end
    while (start < stop && isJsonSpace(text.charCodeAt(start))) start++
    while (stop > start && isJsonSpace(text.charCodeAt(stop - 1))) stop--
    if (stop - start <= max && this.options.byteLength(text.slice(start, stop)) <= max) return
    throw this.limitAt(start, `an array element is longer than maxRecordBytes (${max})`)
  }

  /** Parses the complete elements between `batchStart` and the boundary (a `,` or the `]`). */
  private parseBatch(boundary: number, closed: boolean): unknown[] {
    const span = this.buffer.slice(this.batchStart, boundary)
    let values: unknown[]
    try {
      values = JSON.parse(`[${span}]`) as unknown[]
    } catch {
      throw this.elementError(boundary + 1, boundary, 'invalid JSON')
    }
    if (mayHoldBigNumbers(span)) values = this.keepBigNumbers(`[${span}]`, values)
    if (values.length === 0 && (!closed || this.afterComma))
      throw this.errorAt(
        boundary,
        closed ? "unexpected ']': expected a value" : "unexpected ',': expected a value",
      )
    return values
  }

  /** Replaces the elements holding numbers `JSON.parse` would change, as the policy says. */
  private keepBigNumbers(text: string, values: unknown[]): unknown[] {
    const numbers = findBigNumbers(text)
    if (numbers.length === 0) return values
    const policy = this.options.bigNumbers
    if (policy !== 'fail') return parseKeeping(text, numbers, policy) as unknown[]
    const kept = [...values]
    for (const number of numbers) {
      const element = /^\[(\d+)\]/.exec(number.path)
      const index = Number(element?.[1] ?? 0)
      if (kept[index] instanceof RefusedNumber) continue
      const field = number.path.slice(element?.[0].length ?? 0).replace(/^\./, '')
      const line = this.batchLine + countLines(text, 0, number.start)
      kept[index] = new RefusedNumber(bigNumberReason({ ...number, path: field }), field, line)
    }
    return kept
  }

  private scanAfter(): void {
    const index = this.skipSpace(this.buffer, this.position)
    if (index < this.buffer.length)
      throw this.errorAt(
        index,
        `unexpected ${describeScalar(this.buffer, index)} after the end of the array`,
      )
    this.position = index
    this.compact(index)
  }

  // ---- navigating to a nested array -----------------------------------------------------------

  private scanNavigation(): void {
    const text = this.buffer
    const path = this.options.path
    let index = this.position
    while (this.phase === 'navigate') {
      if (this.step === 'skip' || this.step === 'keyString') {
        const end = this.skipAlong(text, index)
        if (this.step === 'keyString') this.takeKeyPiece(text, index, end < 0 ? text.length : end)
        if (end < 0) {
          index = text.length
          break
        }
        index = end
        if (this.step === 'skip') this.step = 'comma'
        else this.endKey()
        continue
      }
      index = this.skipSpace(text, index)
      if (index >= text.length) break
      const code = text.charCodeAt(index)
      if (this.step === 'key') {
        if (code === 125) throw this.notFound(index)
        if (code !== 34)
          throw this.errorAt(
            index,
            `unexpected ${describeScalar(text, index)}: expected a property name`,
          )
        this.key = ''
        this.keyTooLong = false
        this.skipper.reset()
        this.step = 'keyString'
      } else if (this.step === 'colon') {
        if (code !== 58)
          throw this.errorAt(index, `unexpected ${describeScalar(text, index)}: expected ':'`)
        index++
        this.step = 'value'
      } else if (this.step === 'value') {
        if (!this.matched) {
          this.skipper.reset()
          this.step = 'skip'
          continue
        }
        const last = this.depth === path.length - 1
        if (last && code === 91) {
          this.openArray(index)
          this.compact(index + 1)
          return
        }
        if (!last && code === 123) {
          this.depth++
          this.step = 'key'
          index++
          continue
        }
        throw this.errorAt(
          index,
          `expected ${last ? 'an array' : 'an object'} at ${describePath(path.slice(0, this.depth + 1))}, found ${describeScalar(text, index)}`,
        )
      } else {
        // 'comma'
        if (code === 44) {
          this.step = 'key'
          index++
        } else if (code === 125) {
          throw this.notFound(index)
        } else
          throw this.errorAt(
            index,
            `unexpected ${describeScalar(text, index)}: expected ',' or '}'`,
          )
      }
    }
    this.position = index
    this.compact(index)
  }

  /** Checks and passes a skipped value or a property name; -1 when it goes on past `text`. */
  private skipAlong(text: string, from: number): number {
    const before = this.skipper.lineFeeds
    try {
      return this.skipper.skip(text, from)
    } catch (error) {
      if (!(error instanceof JsonSkipError)) throw error
      const reason = error.reason
      throw reason.startsWith('nesting deeper')
        ? this.limitAt(error.index, reason)
        : this.errorAt(error.index, reason)
    } finally {
      this.line += this.skipper.lineFeeds - before
    }
  }

  /** Keeps a property name only while it may still be the name looked for. */
  private takeKeyPiece(text: string, from: number, to: number): void {
    if (this.keyTooLong) return
    const name = this.options.path[this.depth] ?? ''
    // No escape writes a character in more than 6 characters (a `\u` escape and four hex digits),
    // plus the quotes.
    if (this.key.length + (to - from) > name.length * 6 + 2) {
      this.keyTooLong = true
      this.key = ''
      return
    }
    this.key += text.slice(from, to)
  }

  private endKey(): void {
    this.matched =
      !this.keyTooLong && (JSON.parse(this.key) as string) === this.options.path[this.depth]
    this.key = ''
    this.step = 'colon'
  }

  private notFound(index: number): JsonSyntaxError {
    const { path } = this.options
    return this.errorAt(
      index,
      `no property '${path[this.depth] ?? ''}' on the way to ${describePath(path)}`,
    )
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Drops `buffer[0..cut)`, keeping offsets right. */
  private compact(cut: number): void {
    if (cut <= 0) return
    this.consumedBytes += this.options.byteLength(this.buffer.slice(0, cut))
    this.buffer = this.buffer.slice(cut)
    this.position -= cut
    this.batchStart = Math.max(0, this.batchStart - cut)
    this.elementStart = Math.max(0, this.elementStart - cut)
  }

  private skipSpace(text: string, from: number): number {
    let index = from
    const length = text.length
    while (index < length) {
      const code = text.charCodeAt(index)
      if (code === 10) this.line++
      else if (code !== 32 && code !== 9 && code !== 13) break
      index++
    }
    return index
  }

  private bytesAt(index: number): number {
    return this.consumedBytes + this.options.byteLength(this.buffer.slice(0, index))
  }

  /** Inside the array, lines are counted from the batch start; elsewhere `line` is kept current. */
  private lineAt(index: number): number {
    if (this.phase === 'array' && index >= this.batchStart)
      return this.batchLine + countLines(this.buffer, this.batchStart, index)
    return this.line
  }

  private errorAt(index: number, reason: string): JsonSyntaxError {
    return new JsonSyntaxError(reason, this.bytesAt(index), this.lineAt(index))
  }

  private limitAt(index: number, reason: string): JsonSyntaxError {
    return new JsonSyntaxError(reason, this.bytesAt(index), this.lineAt(index), 'limit')
  }

  /**
   * An error in the elements between `batchStart` and `limit`: the first syntax error there,
   * found by a validator, or `fallback` at `fallbackIndex` if the elements are valid so far.
   */
  private elementError(limit: number, fallbackIndex: number, fallback: string): JsonSyntaxError {
    const wrapped = `[${this.buffer.slice(this.batchStart, limit)}`
    const problem = findJsonError(wrapped)
    if (problem === undefined || problem.index >= wrapped.length)
      return this.errorAt(fallbackIndex, fallback)
    return this.errorAt(this.batchStart + problem.index - 1, problem.reason)
  }

  private truncated(): JsonSyntaxError {
    const at = this.buffer.length
    const what = this.inString
      ? 'inside a string'
      : this.phase === 'array'
        ? 'inside the array'
        : 'inside the object'
    return this.errorAt(at, `unexpected end of input ${what} (is the file truncated?)`)
  }

  private parseObject(): unknown {
    const max = this.options.maxRecordBytes
    let text: string
    try {
      text = this.objectParts.join('')
    } catch {
      throw new JsonSyntaxError(
        `the object is too large to hold as one string (${this.objectChars} characters); lower maxRecordBytes or stream an array inside it with path`,
        this.objectBytes,
        this.objectLine,
        'limit',
      )
    }
    this.objectParts.length = 0
    if (this.objectChars * 3 > max && this.options.byteLength(text) > max)
      throw new JsonSyntaxError(
        `the object is larger than maxRecordBytes (${max} bytes): if the input holds one JSON value per line, read it with format: 'ndjson'; to stream an array inside it, use path`,
        this.objectBytes,
        this.objectLine,
        'limit',
      )
    let value: unknown
    try {
      value = JSON.parse(text) as unknown
    } catch {
      const problem = findJsonError(text) ?? { index: text.length, reason: 'invalid JSON' }
      const hint = problem.reason.endsWith('expected the end of the input')
        ? "; if the input holds one JSON value per line, read it with format: 'ndjson'"
        : ''
      throw new JsonSyntaxError(
        problem.reason + hint,
        this.objectBytes + this.options.byteLength(text.slice(0, problem.index)),
        this.objectLine + countLines(text, 0, problem.index),
      )
    }
    if (!mayHoldBigNumbers(text)) return value
    const numbers = findBigNumbers(text)
    if (numbers.length === 0) return value
    const policy = this.options.bigNumbers
    if (policy !== 'fail') return parseKeeping(text, numbers, policy)
    const first = numbers[0] as (typeof numbers)[number]
    return new RefusedNumber(
      bigNumberReason(first),
      first.path,
      this.objectLine + countLines(text, 0, first.start),
    )
  }
}

/**
 * The index of the quote that closes a string whose content continues at `from`, or -1.
 * `carried` backslashes ended the string's text in the previous chunk.
 */
function closingQuote(text: string, from: number, carried = 0): number {
  let quote = text.indexOf('"', from)
  while (quote >= 0) {
    let back = quote - 1
    while (back >= 0 && text.charCodeAt(back) === 92) back--
    const run = quote - 1 - back + (back < 0 ? carried : 0)
    // An even number of backslashes before the quote: it is not escaped.
    if ((run & 1) === 0) return quote
    quote = text.indexOf('"', quote + 1)
  }
  return -1
}

/** The backslashes ending `text` (after `from`), adding `carried` if they reach its start. */
function trailingBackslashes(text: string, from: number, carried: number): number {
  let back = text.length - 1
  while (back >= from && text.charCodeAt(back) === 92) back--
  const run = text.length - 1 - back
  return back < 0 ? run + carried : run
}

function isJsonSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13
}

function describeScalar(text: string, index: number): string {
  const code = text.charCodeAt(index)
  if (code === 34) return 'a string'
  if (code === 45 || (code >= 48 && code <= 57)) return 'a number'
  if (text.startsWith('true', index) || text.startsWith('false', index)) return 'a boolean'
  if (text.startsWith('null', index)) return 'null'
  const point = text.codePointAt(index) ?? 0
  return point < 0x20
    ? `control character U+${point.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${String.fromCodePoint(point)}'`
}

/** `data.items` for messages. @internal */
export function describePath(path: readonly string[]): string {
  return path.join('.')
}
