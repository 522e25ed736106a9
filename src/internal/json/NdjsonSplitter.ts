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
import { findJsonError } from './findJsonError.js'

/** @internal */
export interface NdjsonOptions {
  /** The stage name for failures. */
  readonly stage: string
  /** The file, for failures' location, if the input is a file. */
  readonly file?: string
  /** The size in bytes of decoded text in the input's encoding. */
  readonly byteLength: (text: string) => number
  /** The longest line, in UTF-16 code units; a longer one is a failure and is skipped. */
  readonly maxRecordChars: number
}

/** The most of a line too long to keep that a failure carries as `raw`. */
const RAW_EXCERPT = 1024

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
  /** The line of each item the last `write` or `end` returned, by the item's index. */
  lines: number[] = []

  constructor(private readonly options: NdjsonOptions) {}

  /** Takes the next chunk of text; returns the records of the lines it completes. */
  write(chunk: string): Array<Either<Failure, unknown>> {
    let text = chunk
    if (!this.started && text.length > 0) {
      this.started = true
      if (text.charCodeAt(0) === 0xfeff) {
        this.consumedBytes += this.options.byteLength('\uFEFF')
        text = text.slice(1)
      }
    }
    const items: Array<Either<Failure, unknown>> = []
    this.lines = []
    let newline = text.indexOf('\n')
    if (newline < 0 && !this.skipping) {
      this.keep(text, items)
      return items
    }
    if (this.rest.length > 0) {
      newline += this.restChars
      text = this.rest.join('') + text
      this.rest = []
      this.restChars = 0
    }
    let start = 0
    if (this.skipping) {
      if (newline < 0) {
        this.consumedBytes += this.options.byteLength(text)
        return items
      }
      this.skipping = false
      this.line++
      start = newline + 1
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
    if (start < text.length) this.keep(text.slice(start), items)
    return items
  }

  /** Keeps the start of an unfinished line, or reports it once it is too long. */
  private keep(partial: string, items: Array<Either<Failure, unknown>>): void {
    this.rest.push(partial)
    this.restChars += partial.length
    if (this.restChars <= this.options.maxRecordChars) return
    const text = this.rest.join('')
    this.rest = []
    this.restChars = 0
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
    if (this.skipping || text.length === 0) return []
    const end = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length
    const item = end > 0 ? this.parse(text, 0, end, this.consumedBytes) : undefined
    this.lines = [this.line]
    return item === undefined ? [] : [item]
  }

  private parse(
    text: string,
    start: number,
    end: number,
    baseBytes: number,
  ): Either<Failure, unknown> | undefined {
    const raw = text.slice(start, end)
    try {
      return right(JSON.parse(raw) as unknown)
    } catch {
      if (raw.trim() === '') return undefined
      const problem = findJsonError(raw)
      const column = problem === undefined ? '' : ` at column ${problem.index + 1}`
      return left(
        failure('ParseError', {
          stage: this.options.stage,
          reason: `invalid JSON${column}: ${problem?.reason ?? 'not valid JSON'}`,
          raw,
          location: this.location(baseBytes + this.options.byteLength(text.slice(0, start))),
        }),
      )
    }
  }

  private tooLong(partial: string): Either<Failure, unknown> {
    return left(
      failure('ParseError', {
        stage: this.options.stage,
        reason: `line longer than maxRecordBytes (${this.options.maxRecordChars}); skipped`,
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
