/**
 * Splits NDJSON / JSON Lines text chunks into records: one `JSON.parse` per line, LF or CRLF,
 * blank lines skipped, and a malformed line a `Left` ParseError with its line, byte offset and raw
 * text, after which reading goes on.
 *
 * @internal
 * @packageDocumentation
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure } from '../../core/Failure.js'
import {
  bigNumberReason,
  findBigNumbers,
  mayHoldBigNumbers,
  parseKeeping,
  type BigNumberPolicy,
} from './bigNumbers.js'
import { findJsonError } from './findJsonError.js'
import { invalidUtf8Reason } from '../input/invalidUtf8.js'

/** @internal */
export interface NdjsonOptions {
  /** The stage name for failures. */
  readonly stage: string
  /** The file, for failures' location, if the input is a file. */
  readonly file?: string
  /** The size in bytes of decoded text in the input's encoding. */
  readonly byteLength: (text: string) => number
  /** The longest line, in bytes of the input's encoding; a longer one is a failure and is skipped. */
  readonly maxRecordBytes: number
  /** What to do with numbers `JSON.parse` would change. */
  readonly bigNumbers: BigNumberPolicy
  /** The deepest nesting of arrays and objects in a line's value. */
  readonly maxDepth: number
  /** Splitting resumes at a saved position: the line there and its byte offset in the file. */
  readonly resumeAt?: NdjsonPosition
}

/** The reason given for text holding bytes that are not UTF-8. @internal */
export const INVALID_UTF8 = invalidUtf8Reason("'latin1'")

/** A line of JSON white space only (what `JSON.parse` skips): a blank line, not a record. */
const JSON_BLANK = /^[ \t\r]*$/

/** The most of a line too long to keep that a failure carries as `raw`. */
const RAW_EXCERPT = 1024

const preview = (text: string): string =>
  text.length <= RAW_EXCERPT ? text : `${text.slice(0, RAW_EXCERPT)}…`

/** Where an NDJSON file was read to. @internal */
export interface NdjsonPosition {
  readonly line: number
  readonly offset: number
}

/** @internal */
export class NdjsonSplitter {
  /** The start of a line not yet ended, in pieces: joined once, when its line feed arrives. */
  private rest: string[] = []
  private restChars = 0
  /** The number of the next line, and the byte offset where it starts. */
  private line = 1
  private consumedBytes = 0
  private started = false
  /** Set while skipping the remainder of a line longer than the limit. */
  private skipping = false
  /** Undecodable characters: of the unfinished line, and of the text being split. */
  private restInvalid: number[] = []
  private invalid: readonly number[] = []
  private invalidAt = 0
  /** Whether the text being split may hold numbers `JSON.parse` would change. */
  private maybeBig = false
  /** The line of each item the last `write` or `end` returned, by the item's index. */
  lines: number[] = []

  constructor(private readonly options: NdjsonOptions) {
    const resume = options.resumeAt
    if (resume !== undefined) {
      this.line = resume.line
      this.consumedBytes = resume.offset
      // No byte order mark in the middle of a file.
      this.started = true
    }
  }

  /** After `end()`: the line it ended on and the bytes read, where an appended file continues. */
  get position(): NdjsonPosition {
    return { line: this.line, offset: this.consumedBytes }
  }

  /**
   * Between chunks: where the unfinished line starts (a record boundary, for a checkpoint), or
   * `undefined` while the rest of an over-long line is skipped.
   */
  get boundary(): NdjsonPosition | undefined {
    return this.skipping ? undefined : this.position
  }

  /**
   * Takes the next chunk of text; returns the records of the lines it completes. `invalid`: the
   * offsets in `chunk` of characters standing for bytes that could not be decoded.
   */
  write(chunk: string, invalid: readonly number[] = []): Array<Either<Failure, unknown>> {
    let text = chunk
    let offsets = invalid
    if (!this.started && text.length > 0) {
      this.started = true
      if (text.charCodeAt(0) === 0xfeff) {
        this.consumedBytes += this.options.byteLength('\uFEFF')
        text = text.slice(1)
        offsets = offsets.map((offset) => offset - 1)
      }
    }
    const items: Array<Either<Failure, unknown>> = []
    this.lines = []
    let newline = text.indexOf('\n')
    if (newline < 0 && !this.skipping) {
      for (const offset of offsets) this.restInvalid.push(this.restChars + offset)
      this.keep(text, items)
      return items
    }
    if (this.rest.length > 0) {
      newline += this.restChars
      offsets = [...this.restInvalid, ...offsets.map((offset) => offset + this.restChars)]
      text = this.rest.join('') + text
      this.rest = []
      this.restChars = 0
      this.restInvalid = []
    }
    this.invalid = offsets
    this.invalidAt = 0
    this.maybeBig = mayHoldBigNumbers(text)
    let start = 0
    if (this.skipping) {
      if (newline < 0) {
        this.consumedBytes += this.options.byteLength(text)
        return items
      }
      this.skipping = false
      this.line++
      start = newline + 1
      this.takeInvalid(start)
      newline = text.indexOf('\n', start)
    }
    // Byte offsets are worked out only for failures, from the start of this text.
    const baseBytes = this.consumedBytes
    while (newline >= 0) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline
      if (end > start) {
        const item = this.parse(text, start, end, baseBytes)
        if (item !== undefined) {
          items.push(item)
          this.lines.push(this.line)
        }
      }
      this.line++
      start = newline + 1
      newline = text.indexOf('\n', start)
    }
    if (start > 0) this.consumedBytes = baseBytes + this.options.byteLength(text.slice(0, start))
    if (start < text.length) {
      for (const offset of offsets) if (offset >= start) this.restInvalid.push(offset - start)
      this.keep(text.slice(start), items)
    }
    return items
  }

  /** Whether undecodable characters lie before `end` of the current text (consuming them). */
  private takeInvalid(end: number): boolean {
    const before = this.invalidAt
    while (this.invalidAt < this.invalid.length && (this.invalid[this.invalidAt] as number) < end)
      this.invalidAt++
    return this.invalidAt > before
  }

  /** Keeps the start of an unfinished line, or reports it once it is too long. */
  private keep(partial: string, items: Array<Either<Failure, unknown>>): void {
    this.rest.push(partial)
    this.restChars += partial.length
    if (this.restChars <= this.options.maxRecordBytes) return
    const text = this.rest.join('')
    this.rest = []
    this.restChars = 0
    this.restInvalid = []
    items.push(this.tooLong(text))
    this.lines.push(this.line)
    this.consumedBytes += this.options.byteLength(text)
    this.skipping = true
  }

  /** The input ended: returns the record of a last line without a line feed. */
  end(): Array<Either<Failure, unknown>> {
    const text = this.rest.join('')
    this.rest = []
    this.restChars = 0
    this.invalid = this.restInvalid
    this.invalidAt = 0
    this.restInvalid = []
    this.maybeBig = mayHoldBigNumbers(text)
    if (this.skipping || text.length === 0) return []
    const end = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length
    const item = end > 0 ? this.parse(text, 0, end, this.consumedBytes) : undefined
    this.lines = [this.line]
    // The last line was read (a record, a failure or blank): an appended file continues after it
    // (on the same line number, as the line goes on), so the line is not read twice.
    this.consumedBytes += this.options.byteLength(text)
    return item === undefined ? [] : [item]
  }

  private parse(
    text: string,
    start: number,
    end: number,
    baseBytes: number,
  ): Either<Failure, unknown> | undefined {
    const raw = text.slice(start, end)
    // The common line costs one comparison per check; anything else goes to `check`.
    const length = end - start
    if (
      length * 3 > this.options.maxRecordBytes ||
      length > this.options.maxDepth ||
      (this.invalidAt < this.invalid.length && (this.invalid[this.invalidAt] as number) < end)
    )
      return this.check(raw, text, start, end, baseBytes)
    let value: unknown
    try {
      value = JSON.parse(raw) as unknown
    } catch {
      return this.invalidLine(raw, text, start, baseBytes)
    }
    if (this.maybeBig && mayHoldBigNumbers(raw))
      return this.keepNumbers(raw, value, text, start, baseBytes)
    return right(value)
  }

  /** A line that may be too long or hold undecodable bytes. */
  private check(
    raw: string,
    text: string,
    start: number,
    end: number,
    baseBytes: number,
  ): Either<Failure, unknown> | undefined {
    const max = this.options.maxRecordBytes
    const undecodable = this.takeInvalid(end)
    const offset = this.offsetOf(text, start, baseBytes)
    if (end - start > max || this.options.byteLength(raw) > max)
      return this.fail(`line longer than maxRecordBytes (${max}); skipped`, preview(raw), offset)
    if (undecodable) return this.fail(INVALID_UTF8, raw, offset)
    // Only a line longer than maxDepth can nest deeper: counted for those alone.
    if (end - start > this.options.maxDepth && nestingDepth(raw) > this.options.maxDepth)
      return this.fail(
        `nesting deeper than maxDepth (${this.options.maxDepth})`,
        preview(raw),
        offset,
      )
    let value: unknown
    try {
      value = JSON.parse(raw) as unknown
    } catch {
      return this.invalidLine(raw, text, start, baseBytes)
    }
    if (this.maybeBig && mayHoldBigNumbers(raw))
      return this.keepNumbers(raw, value, text, start, baseBytes)
    return right(value)
  }

  private offsetOf(text: string, start: number, baseBytes: number): number {
    return baseBytes + this.options.byteLength(text.slice(0, start))
  }

  private invalidLine(
    raw: string,
    text: string,
    start: number,
    baseBytes: number,
  ): Either<Failure, unknown> | undefined {
    if (JSON_BLANK.test(raw)) return undefined
    const problem = findJsonError(raw)
    const column = problem === undefined ? '' : ` at column ${problem.index + 1}`
    return this.fail(
      `invalid JSON${column}: ${problem?.reason ?? 'not valid JSON'}`,
      raw,
      this.offsetOf(text, start, baseBytes),
    )
  }

  /** A parsed line that may hold numbers `JSON.parse` changed. */
  private keepNumbers(
    raw: string,
    value: unknown,
    text: string,
    start: number,
    baseBytes: number,
  ): Either<Failure, unknown> {
    const numbers = findBigNumbers(raw)
    if (numbers.length === 0) return right(value)
    const policy = this.options.bigNumbers
    if (policy !== 'fail') return right(parseKeeping(raw, numbers, policy))
    const first = numbers[0] as (typeof numbers)[number]
    return this.fail(bigNumberReason(first), raw, this.offsetOf(text, start, baseBytes), first.path)
  }

  private fail(
    reason: string,
    raw: string,
    offset: number,
    field?: string,
  ): Either<Failure, unknown> {
    const location = this.location(offset)
    return left(
      failure('ParseError', {
        stage: this.options.stage,
        reason,
        raw,
        location: field === undefined || field === '' ? location : { ...location, field },
      }),
    )
  }

  private tooLong(partial: string): Either<Failure, unknown> {
    return left(
      failure('ParseError', {
        stage: this.options.stage,
        reason: `line longer than maxRecordBytes (${this.options.maxRecordBytes}); skipped`,
        raw: `${partial.slice(0, RAW_EXCERPT)}…`,
        location: this.location(this.consumedBytes),
      }),
    )
  }

  private location(offset: number): { file?: string; line: number; offset: number } {
    return {
      ...(this.options.file === undefined ? {} : { file: this.options.file }),
      line: this.line,
      offset,
    }
  }
}

/** The deepest nesting of arrays and objects in `text`, outside its strings. */
function nestingDepth(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  let escape = false
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (inString) {
      if (escape) escape = false
      else if (code === 92) escape = true
      else if (code === 34) inString = false
    } else if (code === 34) inString = true
    else if (code === 91 || code === 123) deepest = Math.max(deepest, ++depth)
    else if (code === 93 || code === 125) depth--
  }
  return deepest
}
