/**
 * Where CSV records start, found from the bytes alone by the quote rules of the row parser: a
 * quote opens a quoted field only at the start of a field; inside one, a doubled quote (or the
 * escape character before a quote) is data, and a quote followed by spaces and then a delimiter or
 * a line break closes it — any other character makes the quote data and the field goes on. Lines
 * starting with the comment prefix are skipped whole. `\n`, `\r\n` and a lone `\r` end a record.
 *
 * Splitting a file for parallel reading needs this: a range must never start inside a quoted field,
 * and only a scan from the file's start can tell (a line of a quoted field looks like any other).
 *
 * @internal
 * @packageDocumentation
 */
import { open } from 'node:fs/promises'

/** The quoting rules a scan follows: single-byte characters. @internal */
export interface BoundarySyntax {
  readonly delimiter: string
  readonly quoteChar: string
  readonly escapeChar: string
  readonly comments: string | false
}

const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20

const enum State {
  LineStart,
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: doubled, or closing (perhaps followed by spaces). */
  AfterQuote,
  /** Spaces after a closing quote. */
  AfterQuoteSpaces,
  /** A `\r` ended a record; a `\n` right after it belongs to the same line break. */
  AfterCr,
  Comment,
  /** Matching the comment prefix at the start of a line. */
  CommentPrefix,
}

function singleByte(what: string, value: string): number {
  const bytes = Buffer.from(value, 'utf8')
  if (bytes.length !== 1)
    throw new TypeError(`cannot split on record boundaries: ${what} must be one ASCII character`)
  return bytes[0] as number
}

/**
 * What `onBoundary` answers: `false` stops the scan; a number says that boundaries before that
 * offset are not wanted, so the scan may jump over plain lines without reporting them.
 *
 * @internal
 */
export type BoundaryAnswer = boolean | number | void

/**
 * A resumable scanner: feed it the file's bytes in order; `onBoundary(offset, dataLine)` is called
 * at every offset where a record (or skipped line) starts, after the first byte — except, once it
 * answered a number, at some before that offset; `dataLine` says whether the line just ended held
 * data (not empty, not a comment).
 *
 * @internal
 */
export class RecordBoundaryScanner {
  private state = State.LineStart
  private offset = 0
  /** Boundaries before this offset are not wanted. */
  private wantedFrom = 0
  private commentMatched = 0
  private lineHasData = false
  private previous = -1
  private readonly delimiter: number
  private readonly quote: number
  private readonly escape: number
  private readonly comment: Buffer | undefined

  constructor(
    syntax: BoundarySyntax,
    private readonly onBoundary: (offset: number, dataLine: boolean) => BoundaryAnswer,
  ) {
    this.delimiter = singleByte('the delimiter', syntax.delimiter)
    this.quote = singleByte('the quote character', syntax.quoteChar)
    this.escape = singleByte('the escape character', syntax.escapeChar)
    this.comment = syntax.comments === false ? undefined : Buffer.from(syntax.comments, 'utf8')
  }

  /** Scans `chunk`; returns `false` once `onBoundary` asked to stop. */
  push(chunk: Uint8Array): boolean {
    // The next quote and carriage return at or after `index` (-1: none left in the chunk), kept
    // between lines so that a chunk is searched for each only once.
    const next = { quote: -2, cr: -2 }
    let index = 0
    while (index < chunk.length) {
      if (this.state === State.LineStart && this.offset >= 3) {
        const skipTo = this.plainLinesEnd(chunk, index, next)
        if (skipTo !== -1) {
          this.offset += skipTo - index
          this.previous = LF
          index = skipTo
          continue
        }
        let end = this.plainLineEnd(chunk, index, next)
        if (end === -1) end = this.quotedLineEnd(chunk, index, next)
        if (end !== -1) {
          const dataLine = end - index > 1 && !(end - index === 2 && chunk[index] === CR)
          this.offset += end - index
          this.previous = LF
          index = end
          this.lineHasData = dataLine
          if (!this.boundary(this.offset)) return false
          continue
        }
      }
      const byte = chunk[index] as number
      index++
      // A UTF-8 byte order mark is not part of the first field.
      if (this.offset < 3 && this.state === State.LineStart && this.isBom(byte)) {
        this.offset++
        continue
      }
      if (!this.step(byte)) return false
      this.offset++
      this.previous = byte
    }
    return true
  }

  /**
   * Faster still, before the first wanted boundary: the end of the last plain line (no quote, no
   * `\r`) that ends before it, reached without a word; -1 when there is none to jump over.
   */
  private plainLinesEnd(
    chunk: Uint8Array,
    index: number,
    next: { quote: number; cr: number },
  ): number {
    const wanted = index + (this.wantedFrom - this.offset)
    // The line break must end before the wanted offset: the boundary there is reported.
    if (wanted - 2 < index) return -1
    if (next.quote !== -1 && next.quote < index) next.quote = chunk.indexOf(this.quote, index)
    if (next.cr !== -1 && next.cr < index) next.cr = chunk.indexOf(CR, index)
    let last = Math.min(wanted - 2, chunk.length - 1)
    if (next.quote !== -1) last = Math.min(last, next.quote - 1)
    if (next.cr !== -1) last = Math.min(last, next.cr - 1)
    if (last < index) return -1
    const lf = chunk.lastIndexOf(LF, last)
    return lf >= index ? lf + 1 : -1
  }

  /**
   * The fast way over most lines: a whole line from `index` with no quote, no lone `\r` and no
   * comment prefix ends at its `\n` whatever the delimiter, so the scan jumps there (the offset
   * just past it) with native searches instead of a step per byte; -1 when the line needs steps.
   */
  private plainLineEnd(
    chunk: Uint8Array,
    index: number,
    next: { quote: number; cr: number },
  ): number {
    if (this.comment !== undefined && chunk[index] === this.comment[0]) return -1
    const lf = chunk.indexOf(LF, index)
    if (lf === -1) return -1
    if (next.quote !== -1 && next.quote < index) next.quote = chunk.indexOf(this.quote, index)
    if (next.quote !== -1 && next.quote < lf) return -1
    if (next.cr !== -1 && next.cr < index) next.cr = chunk.indexOf(CR, index)
    // A `\r` right before the `\n` is one line break with it.
    if (next.cr !== -1 && next.cr < lf - 1) return -1
    return lf + 1
  }

  /**
   * The fast way over a line holding quotes (scanned without a step per byte): from the line's
   * start, the end of its record — past quoted fields, line breaks inside them included — when
   * the record ends in this chunk with `\n` or `\r\n`; -1 when the line needs steps (a lone
   * `\r`, a separate escape character, a comment prefix, or the chunk ends first).
   */
  private quotedLineEnd(
    chunk: Uint8Array,
    index: number,
    next: { quote: number; cr: number },
  ): number {
    if (this.escape !== this.quote) return -1
    if (this.comment !== undefined && chunk[index] === this.comment[0]) return -1
    if (next.quote !== -1 && next.quote < index) next.quote = chunk.indexOf(this.quote, index)
    if (next.quote === -1) return -1
    if (next.cr !== -1 && next.cr < index) next.cr = chunk.indexOf(CR, index)
    if (next.cr !== -1 && next.cr < next.quote) return -1
    // Before the line's first quote there is no line break (else it were a plain line).
    let position = next.quote
    let fieldStart = position === index || chunk[position - 1] === this.delimiter
    for (;;) {
      // At a quote, outside quoted fields: it opens one only at the start of a field.
      if (fieldStart) {
        position = this.closingQuoteEnd(chunk, position + 1)
        if (position === -1) return -1
      } else position++
      // Unquoted bytes up to the next quote or line break: only a `\r` among them needs steps.
      const lf = chunk.indexOf(LF, position)
      if (lf === -1) return -1
      const quote = chunk.indexOf(this.quote, position)
      const stretchEnd = quote === -1 || quote > lf ? lf : quote
      if (next.cr !== -1 && next.cr < position) next.cr = chunk.indexOf(CR, position)
      if (next.cr !== -1 && next.cr < stretchEnd)
        return next.cr === lf - 1 && stretchEnd === lf ? lf + 1 : -1
      if (stretchEnd === lf) return lf + 1
      position = quote
      fieldStart = chunk[quote - 1] === this.delimiter
    }
  }

  /**
   * From inside a quoted field, the offset just past its closing quote and the spaces after it
   * (a delimiter or a line break comes next); -1 when the chunk ends first.
   */
  private closingQuoteEnd(chunk: Uint8Array, from: number): number {
    let position = from
    for (;;) {
      const found = chunk.indexOf(this.quote, position)
      if (found === -1 || found + 1 >= chunk.length) return -1
      let after = found + 1
      // A doubled quote is data.
      if (chunk[after] === this.quote) {
        position = after + 1
        continue
      }
      while (after < chunk.length && chunk[after] === SPACE) after++
      if (after >= chunk.length) return -1
      const byte = chunk[after] as number
      if (byte === this.delimiter || byte === LF || byte === CR) return after
      // Not a closing quote after all: the field goes on, quoted, from that byte.
      position = after
    }
  }

  private bomSeen = 0
  private isBom(byte: number): boolean {
    const bom = [0xef, 0xbb, 0xbf]
    if (this.offset === this.bomSeen && bom[this.bomSeen] === byte) {
      this.bomSeen++
      return true
    }
    return false
  }

  private boundary(at: number): boolean {
    const dataLine = this.lineHasData
    this.lineHasData = false
    this.state = State.LineStart
    const answer = this.onBoundary(at, dataLine)
    if (typeof answer === 'number') this.wantedFrom = answer
    return answer !== false
  }

  /** A line break outside quotes: `\n` ends the record here, `\r` waits to see a `\n`. */
  private lineBreak(byte: number): boolean {
    if (byte === LF) return this.boundary(this.offset + 1)
    this.state = State.AfterCr
    return true
  }

  private step(byte: number): boolean {
    switch (this.state) {
      case State.AfterCr:
        if (byte === LF) return this.boundary(this.offset + 1)
        if (!this.boundary(this.offset)) return false
        return this.step(byte)
      case State.LineStart:
        if (this.comment !== undefined && byte === this.comment[0]) {
          this.commentMatched = 1
          this.state = this.comment.length === 1 ? State.Comment : State.CommentPrefix
          return true
        }
        return this.fieldStart(byte)
      case State.CommentPrefix:
        if (byte === (this.comment as Buffer)[this.commentMatched]) {
          this.commentMatched++
          if (this.commentMatched === (this.comment as Buffer).length) this.state = State.Comment
          return true
        }
        // Not a comment: the bytes matched so far are data, read from the line's start.
        // (The prefix holds no line break, so no record ends among them.)
        this.state = State.LineStart
        for (const earlier of (this.comment as Buffer).subarray(0, this.commentMatched))
          this.stepData(earlier)
        return this.stepData(byte)
      case State.Comment:
        if (byte === LF || byte === CR) {
          this.lineHasData = false
          return this.lineBreak(byte)
        }
        return true
      default:
        return this.stepData(byte)
    }
  }

  private stepData(byte: number): boolean {
    switch (this.state) {
      case State.LineStart:
      case State.FieldStart:
        return this.fieldStart(byte)
      case State.Unquoted:
        if (byte === LF || byte === CR) return this.lineBreak(byte)
        if (byte === this.delimiter) this.state = State.FieldStart
        return true
      case State.Quoted:
        if (byte === this.quote) {
          // With a separate escape character, an escaped quote is data.
          if (this.escape !== this.quote && this.previous === this.escape) return true
          this.state = State.AfterQuote
        }
        return true
      case State.AfterQuote:
        if (byte === this.quote && this.escape === this.quote) {
          this.state = State.Quoted
          return true
        }
        return this.afterClosingQuote(byte)
      case State.AfterQuoteSpaces:
        return this.afterClosingQuote(byte)
      default:
        return this.step(byte)
    }
  }

  private afterClosingQuote(byte: number): boolean {
    if (byte === SPACE) {
      this.state = State.AfterQuoteSpaces
      return true
    }
    if (byte === this.delimiter) {
      this.state = State.FieldStart
      return true
    }
    if (byte === LF || byte === CR) return this.lineBreak(byte)
    // Not a closing quote after all: the field goes on, quoted.
    this.state = State.Quoted
    return this.stepData(byte)
  }

  private fieldStart(byte: number): boolean {
    if (byte === LF || byte === CR) return this.lineBreak(byte)
    this.lineHasData = true
    if (byte === this.quote) this.state = State.Quoted
    else if (byte === this.delimiter) this.state = State.FieldStart
    else this.state = State.Unquoted
    return true
  }
}

const SCAN_CHUNK_BYTES = 256 * 1024

/**
 * Scans `path` from its start, calling `onBoundary` at every record start until it returns
 * `false` or the file ends.
 *
 * @internal
 */
export async function scanRecordBoundaries(
  path: string,
  syntax: BoundarySyntax,
  onBoundary: (offset: number, dataLine: boolean) => BoundaryAnswer,
): Promise<void> {
  const scanner = new RecordBoundaryScanner(syntax, onBoundary)
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(SCAN_CHUNK_BYTES)
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, SCAN_CHUNK_BYTES, null)
      if (bytesRead === 0) return
      if (!scanner.push(buffer.subarray(0, bytesRead))) return
    }
  } finally {
    await handle.close()
  }
}

/**
 * The offset just after the header row: the end of the first line holding data (empty and comment
 * lines before it included), or the file's size if it has no line break after it.
 *
 * @internal
 */
export async function headerRowEnd(path: string, syntax: BoundarySyntax): Promise<number> {
  let end: number | undefined
  await scanRecordBoundaries(path, syntax, (offset, dataLine) => {
    if (!dataLine) return true
    end = offset
    return false
  })
  if (end !== undefined) return end
  const handle = await open(path, 'r')
  try {
    return (await handle.stat()).size
  } finally {
    await handle.close()
  }
}
