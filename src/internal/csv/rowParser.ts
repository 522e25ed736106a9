/**
 * The CSV row parser: a resumable state machine fed chunk by chunk. Each character is looked at a
 * bounded number of times: a row that spans chunks is continued where it stopped, never parsed
 * again from its start (only a field cut at `maxFieldBytes` is read again, once, from the line
 * after the one where it opened).
 *
 * Line endings are taken row by row: `\n`, `\r\n` and a lone `\r` each end a row (and a line), so
 * a file concatenated from two systems reads right and no value keeps a stray `\r`. Nothing is
 * guessed from the first chunk. Line breaks inside quoted fields are kept as written and counted
 * as lines by the character of the first line break that ends a row (`\n` after an LF or CRLF
 * row, `\r` after a CR-only row), as an editor of that file shows them.
 *
 * Unquoted rows inside one chunk take a fast path: one `indexOf` for the line end, one `split`.
 *
 * @internal
 * @packageDocumentation
 */
import { guessDelimiter } from './delimiterGuess.js'
import { countChar, nextBreak } from './lineBreaks.js'
import { limitPassed, rowProblem, unterminatedQuote } from './rowProblems.js'
import {
  BLANK_LINE,
  type CsvProblem,
  type ParsedRows,
  type RowParserPosition,
  type RowParserSettings,
} from './parsedRows.js'

/** Text gathered before a delimiter is guessed, unless enough lines come first. */
const GUESS_AFTER_CHARS = 16 * 1024
const GUESS_AFTER_LINES = 10

const LF = 10
const CR = 13
const SPACE = 32
const NONE: readonly number[] = []

/** Where the parser stands inside a row. */
const FIELD = 0 // at the start of a field
const UNQUOTED = 1
const QUOTED = 2
/** A quote ended the previous chunk inside a quoted field: doubled or closing, the next tells. */
const QUOTE_AT_END = 3
/** After a closing quote (and perhaps spaces): a delimiter or a line break must follow. */
const AFTER_QUOTE = 4
type RowState = 0 | 1 | 2 | 3 | 4

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/** How many characters at the end of `text` (after `from`) start `token` without completing it. */
function heldPrefix(text: string, from: number, token: string): number {
  for (let length = Math.min(token.length - 1, text.length - from); length > 0; length--)
    if (text.endsWith(token.slice(0, length))) return length
  return 0
}

/** @internal */
export class CsvRowParser {
  private delimiterUsed: string
  /** Text gathered to guess the delimiter from, while it is not known. */
  private sample: string | undefined
  private sampleInvalid: number[] = []
  /** The line break character that counts quoted line breaks, once a row has ended. */
  private breakChar: '\n' | '\r' | undefined
  /** Quoted `\n` and `\r` seen while `breakChar` is not known. */
  private pendingLf = 0
  private pendingCr = 0
  /** A row ended in `\r` at the end of a chunk: a `\n` starting the next one belongs to it. */
  private pendingCr0 = false
  /** The tail of a chunk that cannot be read before the next one (a comment or delimiter prefix). */
  private held = ''
  /** Skipping up to the next line break (after a line cut at a size limit). */
  private skipping = false
  private inComment = false
  /** The physical line at the parse position. */
  private line = 1
  /** Whether a row that is not a blank line has been parsed. */
  private rowSeen = false
  /** Comment lines skipped so far. */
  commentLines = 0

  // The chunk being parsed.
  private text = ''
  private invalid: readonly number[] = NONE
  private invalidAt = 0
  /** The next `\r`, `\n` and quote at or after the parse position (-2: not looked for yet). */
  private nextCr = -2
  private nextLf = -2
  private nextQuote = -2
  private nextDelimiter = -2
  private out: ParsedRows = { entries: [], lines: [] }

  // The row in progress.
  private inRow = false
  private state: RowState = FIELD
  private fields: string[] = []
  private field = ''
  /** Exact UTF-8 bytes of `field` once it may pass the limit, else -1. */
  private fieldBytes = -1
  private rowLine = 1
  /** The row's text before the current chunk, and where its text in the current chunk starts. */
  private rowRaw = ''
  private rowStart = 0
  private rowBytes = -1
  /** Invalid characters of the row before the current chunk, as offsets in `rowRaw`. */
  private rowInvalid: number[] = []
  private rowHasInvalid = false
  private rowQuoted = false
  /** Where the current (or last) quoted field opened: line, and offset in the row's text. */
  private quoteLine = 0
  private quoteOffset = 0
  /** Where the first malformed quoted field of the row opened, or 0. */
  private malformedLine = 0
  /** Spaces after a closing quote, waiting for what follows them. */
  private spaces = ''
  /** The first field of the row over `maxFieldBytes` (1-based), or 0. */
  private oversizedField = 0
  /** Where that field opened, if it is quoted and holds line breaks. */
  private oversizedOpen: { readonly line: number; readonly offset: number } | undefined
  /** The line where the row ended, and where in the current chunk. */
  private rowEndLine = 1
  private rowEnd = 0

  constructor(private readonly settings: RowParserSettings) {
    this.delimiterUsed = settings.delimiter === 'auto' ? ',' : settings.delimiter
    if (settings.delimiter === 'auto') this.sample = ''
    const resume = settings.resumeAt
    if (resume !== undefined) {
      this.delimiterUsed = resume.delimiter
      this.sample = undefined
      this.line = resume.line
      this.breakChar = resume.breakChar
      this.rowSeen = true
    }
  }

  /** Where the parser is (after `end()`: where an appended file continues). */
  get position(): RowParserPosition {
    return { line: this.line, delimiter: this.delimiterUsed, breakChar: this.breakChar }
  }

  /**
   * Between chunks: the text fed but not yet returned as rows (a row in progress), and the position
   * to parse it again from — a record boundary for a checkpoint. `undefined` while the parser is
   * where no such boundary is known (guessing the delimiter, skipping, inside a comment, after a
   * `\r` that a `\n` may follow).
   */
  get boundary(): { readonly carry: string; readonly position: RowParserPosition } | undefined {
    if (this.sample !== undefined || this.skipping || this.inComment || this.pendingCr0)
      return undefined
    if (!this.inRow) return { carry: this.held, position: this.position }
    if (this.breakChar === undefined) return undefined
    const position = {
      line: this.rowLine,
      delimiter: this.delimiterUsed,
      breakChar: this.breakChar,
    }
    return { carry: this.rowRaw, position }
  }

  /** The delimiter in use (guessed or given). */
  get delimiter(): string {
    return this.delimiterUsed
  }

  /**
   * Parses the rows that `text` completes; the unfinished last row waits for the next piece.
   * `invalid` holds the offsets in `text` of characters that stand for undecodable bytes.
   */
  push(text: string, invalid?: readonly number[]): ParsedRows {
    return this.feed(text, invalid ?? NONE, false)
  }

  /** Parses what is left at the end of the input. */
  end(): ParsedRows {
    return this.feed('', NONE, true)
  }

  private feed(text: string, invalid: readonly number[], final: boolean): ParsedRows {
    this.out = { entries: [], lines: [] }
    if (this.sample !== undefined) {
      for (const offset of invalid) this.sampleInvalid.push(this.sample.length + offset)
      this.sample += text
      if (!final && !this.sampleIsEnough()) return this.out
      const sample = this.sample
      this.sample = undefined
      this.delimiterUsed = guessDelimiter(sample, final, (delimiter) => {
        return new CsvRowParser({ ...this.settings, delimiter, skipEmptyLines: true })
      })
      return this.feed(sample, this.sampleInvalid, final)
    }
    let piece = text
    let offsets = invalid
    if (this.held !== '') {
      piece = this.held + text
      offsets = invalid.map((offset) => offset + this.held.length)
      this.held = ''
    }
    this.run(piece, offsets, final)
    return this.out
  }

  /** Whether the sample holds enough lines to guess the delimiter from. */
  private sampleIsEnough(): boolean {
    const sample = this.sample as string
    if (sample.length >= GUESS_AFTER_CHARS) return true
    let lines = 0
    for (let at = nextBreak(sample, 0); at !== -1 && at < sample.length - 1;) {
      if (++lines >= GUESS_AFTER_LINES) return true
      at = nextBreak(sample, at + 1)
    }
    return false
  }

  // ---- the chunk loop -----------------------------------------------------------------------

  private useText(text: string, invalid: readonly number[]): void {
    this.text = text
    this.invalid = invalid
    this.invalidAt = 0
    this.nextCr = -2
    this.nextLf = -2
    this.nextQuote = -2
    this.nextDelimiter = -2
  }

  /** The next line break at or after `at`, found once per line however many fields it has. */
  private lineEnd(at: number): number {
    const text = this.text
    if (this.nextLf !== -1 && this.nextLf < at) this.nextLf = text.indexOf('\n', at)
    if (this.nextCr !== -1 && this.nextCr < at) this.nextCr = text.indexOf('\r', at)
    const lf = this.nextLf
    const cr = this.nextCr
    return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
  }

  private run(text: string, invalid: readonly number[], final: boolean): void {
    this.useText(text, invalid)
    let at = this.beginChunk()
    for (;;) {
      at = this.fastRows(at)
      if (at < this.text.length) {
        at = this.slowStep(at, final)
        continue
      }
      // The chunk is used up: a cut at a limit may give text to read again.
      const again = this.endChunk(final)
      if (again === undefined) return
      at = again
    }
  }

  /** Handles what the previous chunk left open at the start of this one; returns where to go on. */
  private beginChunk(): number {
    const text = this.text
    let at = 0
    if (this.pendingCr0 && text.length > 0) {
      this.pendingCr0 = false
      const crlf = text.charCodeAt(0) === LF
      if (crlf) at = 1
      if (this.breakChar === undefined) this.learnBreak(crlf ? '\n' : '\r')
    }
    if (this.inRow) this.rowStart = at
    return at
  }

  private learnBreak(char: '\n' | '\r'): void {
    this.breakChar = char
    this.line += char === '\r' ? this.pendingCr : this.pendingLf
    this.pendingCr = 0
    this.pendingLf = 0
  }

  /**
   * Reads whole unquoted rows from `from` for as long as nothing special comes up; returns where
   * it stopped (the end of the text, or the start of a row for the general path).
   */
  private fastRows(from: number): number {
    if (this.inRow || this.skipping || this.inComment) return from
    const text = this.text
    const length = text.length
    const { quoteChar, comments, maxFieldBytes, maxRowBytes } = this.settings
    const delimiter = this.delimiterUsed
    const cap = Math.min(maxFieldBytes, maxRowBytes)
    const greedy = this.settings.skipEmptyLines === 'greedy'
    const invalid = this.invalid
    const { entries, lines } = this.out
    let at = from
    let line = this.line
    let cr = this.nextCr
    let quote = this.nextQuote
    let delimiterAt = this.nextDelimiter
    const delimiterLength = delimiter.length
    while (at < length) {
      let end = text.indexOf('\n', at)
      if (cr !== -1 && cr < at) cr = text.indexOf('\r', at)
      if (cr !== -1 && (end === -1 || cr < end)) end = cr
      if (end === -1 || end === at) break
      if (quote !== -1 && quote < at) quote = text.indexOf(quoteChar, at)
      if (quote !== -1 && quote < end) break
      if (comments !== false && text.startsWith(comments, at)) break
      if (this.invalidAt < invalid.length && (invalid[this.invalidAt] as number) < end) break
      if ((end - at) * 3 > cap) break
      // A `\r` ending the chunk may be half of a `\r\n`: the general path sees to it.
      if (end === cr && end + 1 === length) break
      // The fields, by an `indexOf` loop (about twice as fast as `split`). The next delimiter
      // is remembered, so a line without one does not search the rest of the chunk.
      const fields: string[] = []
      let start = at
      for (;;) {
        if (delimiterAt !== -1 && delimiterAt < start) delimiterAt = text.indexOf(delimiter, start)
        if (delimiterAt === -1 || delimiterAt >= end) {
          fields.push(text.substring(start, end))
          break
        }
        fields.push(text.substring(start, delimiterAt))
        start = delimiterAt + delimiterLength
      }
      if (greedy && isBlankRow(fields)) {
        // The general path reads this line again: the next delimiter is before where it was.
        delimiterAt = -2
        break
      }
      if (end === cr) {
        if (this.breakChar === undefined) {
          this.line = line
          this.learnBreak(text.charCodeAt(end + 1) === LF ? '\n' : '\r')
          line = this.line
        }
        at = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1
      } else {
        if (this.breakChar === undefined) {
          this.line = line
          this.learnBreak('\n')
          line = this.line
        }
        at = end + 1
      }
      entries.push(fields)
      lines.push(line)
      line++
      this.rowSeen = true
    }
    this.line = line
    this.nextCr = cr
    this.nextQuote = quote
    this.nextDelimiter = delimiterAt
    return at
  }

  /** The general path: one step of the row in progress (or of a skipped line); returns where next. */
  private slowStep(at: number, final: boolean): number {
    if (this.skipping) return this.skipLine(at)
    if (this.inComment) return this.passComment(at)
    if (!this.inRow) {
      const { comments } = this.settings
      const text = this.text
      if (comments !== false) {
        if (text.startsWith(comments, at)) {
          this.inComment = true
          return at + comments.length
        }
        if (!final && comments.startsWith(text.slice(at))) return this.hold(at)
      }
      this.startRow(at)
    }
    return this.rowStep(at, final)
  }

  /** Keeps the rest of the text for the next chunk. */
  private hold(at: number): number {
    this.held = this.text.slice(at)
    this.text = this.text.slice(0, at)
    this.dropInvalid(Infinity)
    return at
  }

  private skipLine(at: number): number {
    const end = nextBreak(this.text, at)
    if (end === -1) {
      this.dropInvalid(this.text.length)
      return this.text.length
    }
    this.skipping = false
    this.dropInvalid(end)
    return this.passBreak(end)
  }

  private passComment(at: number): number {
    const end = nextBreak(this.text, at)
    if (end === -1) {
      this.dropInvalid(this.text.length)
      return this.text.length
    }
    this.inComment = false
    this.commentLines++
    this.dropInvalid(end)
    return this.passBreak(end)
  }

  /** Moves past the line break at `end`, counting the line; returns where the next line starts. */
  private passBreak(end: number): number {
    const text = this.text
    this.line++
    if (text.charCodeAt(end) === LF) {
      if (this.breakChar === undefined) this.learnBreak('\n')
      return end + 1
    }
    if (end + 1 === text.length) {
      this.pendingCr0 = true
      return end + 1
    }
    const crlf = text.charCodeAt(end + 1) === LF
    if (this.breakChar === undefined) this.learnBreak(crlf ? '\n' : '\r')
    return crlf ? end + 2 : end + 1
  }

  private dropInvalid(end: number): void {
    while (this.invalidAt < this.invalid.length && (this.invalid[this.invalidAt] as number) < end)
      this.invalidAt++
  }

  /** Whether invalid characters lie before `end` (consuming them). */
  private takeInvalid(end: number): boolean {
    const before = this.invalidAt
    this.dropInvalid(end)
    return this.invalidAt > before
  }

  // ---- a row --------------------------------------------------------------------------------

  private startRow(at: number): void {
    this.inRow = true
    this.state = FIELD
    this.fields = []
    this.field = ''
    this.fieldBytes = -1
    this.rowLine = this.line
    this.rowRaw = ''
    this.rowStart = at
    this.rowBytes = -1
    this.rowInvalid = []
    this.rowHasInvalid = false
    this.rowQuoted = false
    this.malformedLine = 0
    this.spaces = ''
    this.oversizedField = 0
    this.oversizedOpen = undefined
  }

  /** The offset in the row's text of `at` in the current chunk. */
  private rowOffset(at: number): number {
    return this.rowRaw.length + (at - this.rowStart)
  }

  private rowStep(at: number, final: boolean): number {
    switch (this.state) {
      case FIELD:
        return this.fieldStart(at, final)
      case UNQUOTED:
        return this.unquoted(at, final)
      case QUOTED:
        return this.quoted(at, final)
      case QUOTE_AT_END:
        if (this.text.charCodeAt(at) === this.settings.quoteChar.charCodeAt(0)) {
          this.appendField(this.settings.quoteChar)
          this.state = QUOTED
          return at + 1
        }
        this.state = AFTER_QUOTE
        return at
      case AFTER_QUOTE:
        return this.afterQuote(at, final)
    }
  }

  private fieldStart(at: number, final: boolean): number {
    const text = this.text
    if (at < text.length && text[at] === this.settings.quoteChar) {
      this.state = QUOTED
      this.rowQuoted = true
      this.quoteLine = this.line
      this.quoteOffset = this.rowOffset(at)
      return at + 1
    }
    this.state = UNQUOTED
    return this.unquoted(at, final)
  }

  private unquoted(at: number, final: boolean): number {
    const text = this.text
    const delimiter = this.delimiterUsed
    const lineEnd = this.lineEnd(at)
    if (this.nextDelimiter !== -1 && this.nextDelimiter < at)
      this.nextDelimiter = text.indexOf(delimiter, at)
    const next = this.nextDelimiter
    if (next !== -1 && (lineEnd === -1 || next < lineEnd)) {
      this.completeField(at, next)
      this.state = FIELD
      return next + delimiter.length
    }
    if (lineEnd !== -1) {
      this.completeField(at, lineEnd)
      return this.endRow(lineEnd)
    }
    const held = final || delimiter.length === 1 ? 0 : heldPrefix(text, at, delimiter)
    this.appendField(text.slice(at, text.length - held))
    if (held > 0) return this.hold(text.length - held)
    return text.length
  }

  private quoted(at: number, final: boolean): number {
    const text = this.text
    const { quoteChar, escapeChar } = this.settings
    const quote = text.indexOf(quoteChar, at)
    if (quote === -1) {
      this.countQuotedBreaks(at, text.length)
      this.appendField(text.slice(at))
      return text.length
    }
    this.countQuotedBreaks(at, quote)
    if (escapeChar === quoteChar) {
      if (quote + 1 === text.length) {
        this.appendField(text.slice(at, quote))
        this.state = final ? AFTER_QUOTE : QUOTE_AT_END
        return quote + 1
      }
      if (text[quote + 1] === quoteChar) {
        this.appendField(text.slice(at, quote + 1))
        return quote + 2
      }
    } else if (quote > at ? text[quote - 1] === escapeChar : this.field.endsWith(escapeChar)) {
      if (quote > at) this.appendField(text.slice(at, quote - 1) + quoteChar)
      else this.field = this.field.slice(0, -1) + quoteChar
      return quote + 1
    }
    this.appendField(text.slice(at, quote))
    this.state = AFTER_QUOTE
    return quote + 1
  }

  private afterQuote(at: number, final: boolean): number {
    const text = this.text
    const delimiter = this.delimiterUsed
    let index = at
    while (index < text.length && text.charCodeAt(index) === SPACE) index++
    if (index === text.length) {
      if (final) {
        this.completeQuoted()
        return index
      }
      this.spaces += text.slice(at, index)
      return index
    }
    const code = text.charCodeAt(index)
    if (text.startsWith(delimiter, index)) {
      this.completeQuoted()
      this.state = FIELD
      return index + delimiter.length
    }
    if (code === LF || code === CR) {
      this.completeQuoted()
      return this.endRow(index)
    }
    if (!final && delimiter.length > 1 && delimiter.startsWith(text.slice(index))) {
      this.spaces += text.slice(at, index)
      return this.hold(index)
    }
    // Not a closing quote after all: the quote is data and the field goes on.
    if (this.malformedLine === 0) this.malformedLine = this.quoteLine
    this.appendField(this.settings.quoteChar + this.spaces + text.slice(at, index))
    this.spaces = ''
    this.state = QUOTED
    return index
  }

  private countQuotedBreaks(from: number, to: number): void {
    const text = this.text
    if (this.breakChar !== undefined) this.line += countChar(text, this.breakChar, from, to)
    else {
      this.pendingLf += countChar(text, '\n', from, to)
      this.pendingCr += countChar(text, '\r', from, to)
    }
  }

  private appendField(piece: string): void {
    this.field += piece
    const max = this.settings.maxFieldBytes
    if (this.fieldBytes >= 0) this.fieldBytes += utf8Bytes(piece)
    else if (this.field.length * 3 > max) this.fieldBytes = utf8Bytes(this.field)
  }

  private completeQuoted(): void {
    this.spaces = ''
    this.pushField(this.field, true)
  }

  /** An unquoted field ends at `end`. */
  private completeField(from: number, end: number): void {
    const piece = this.text.slice(from, end)
    this.pushField(this.field === '' ? piece : this.field + piece, false)
  }

  private pushField(value: string, quoted: boolean): void {
    const max = this.settings.maxFieldBytes
    if (
      this.oversizedField === 0 &&
      value.length * 3 > max &&
      (this.fieldBytes > max || utf8Bytes(value) > max)
    ) {
      this.oversizedField = this.fields.length + 1
      // A quoted field holding line breaks may be a stray quote that swallowed rows.
      // (Before the first row ends, its quoted line breaks are counted apart.)
      if (quoted && (this.quoteLine < this.line || this.pendingLf + this.pendingCr > 0))
        this.oversizedOpen = { line: this.quoteLine, offset: this.quoteOffset }
    }
    this.fields.push(value)
    this.field = ''
    this.fieldBytes = -1
  }

  /** The row ends at the line break at `end`: emits it (or its problem); returns where next. */
  private endRow(end: number): number {
    const open = this.oversizedOpen
    if (open !== undefined) return this.cut('field', open.line, open.offset)
    // The first row to end decides how its quoted line breaks count: learn it before placing the
    // row's last line (a `\r` ending the piece waits for the next one).
    if (this.breakChar === undefined) {
      const text = this.text
      if (text.charCodeAt(end) === LF) this.learnBreak('\n')
      else if (end + 1 < text.length) this.learnBreak(text.charCodeAt(end + 1) === LF ? '\n' : '\r')
    }
    const invalid = this.takeInvalid(end)
    this.rowHasInvalid ||= invalid || this.rowInvalid.length > 0
    this.rowEndLine = this.line
    this.rowEnd = end
    const next = this.passBreak(end)
    this.emit()
    return next
  }

  /** The row's text, up to `rowEnd` in the current chunk. */
  private rawRow(): string {
    return this.rowRaw + this.text.slice(this.rowStart, Math.max(this.rowStart, this.rowEnd))
  }

  private emit(): void {
    this.inRow = false
    const fields = this.fields
    const line = this.rowLine
    const entry = this.problem() ?? (this.isBlank(fields) ? BLANK_LINE : fields)
    if (entry !== BLANK_LINE) this.rowSeen = true
    this.out.entries.push(entry)
    this.out.lines.push(line)
  }

  private problem(): CsvProblem | undefined {
    const chars = this.rowRaw.length + (this.rowEnd - this.rowStart)
    if (
      this.malformedLine === 0 &&
      !this.rowHasInvalid &&
      this.oversizedField === 0 &&
      chars * 3 <= this.settings.maxRowBytes
    )
      return undefined
    return rowProblem({
      fields: this.fields,
      line: this.rowLine,
      endLine: this.rowEndLine,
      raw: this.rawRow(),
      malformedLine: this.malformedLine,
      invalid: this.rowHasInvalid,
      oversizedField: this.oversizedField,
      maxFieldBytes: this.settings.maxFieldBytes,
      maxRowBytes: this.settings.maxRowBytes,
    })
  }

  private isBlank(fields: readonly string[]): boolean {
    if (this.rowQuoted) return false
    const mode = this.blankMode()
    if (mode === false) return false
    return mode === true ? fields.length === 1 && fields[0] === '' : isBlankRow(fields)
  }

  /** Which blank lines are skipped now: none, empty ones, or blank ones (`'greedy'`). */
  private blankMode(): boolean | 'greedy' {
    const { skipEmptyLines, skipLeadingEmptyLines } = this.settings
    if (skipEmptyLines !== false) return skipEmptyLines
    return skipLeadingEmptyLines && !this.rowSeen
  }

  // ---- the end of a chunk -------------------------------------------------------------------

  /**
   * The chunk is used up: keeps the text of a row in progress, enforces the size limits on it,
   * and at the end of the input finishes it. Returns where to go on in a text to read again, or
   * `undefined` when this chunk is done.
   */
  private endChunk(final: boolean): number | undefined {
    if (final && this.inComment) {
      this.inComment = false
      this.commentLines++
    }
    if (!this.inRow) return undefined
    const text = this.text
    for (let index = this.invalidAt; index < this.invalid.length; index++)
      this.rowInvalid.push(this.rowOffset(this.invalid[index] as number))
    this.invalidAt = this.invalid.length
    const piece = this.rowStart === 0 ? text : text.slice(this.rowStart)
    this.rowRaw += piece
    this.rowStart = text.length
    const maxRow = this.settings.maxRowBytes
    if (this.rowBytes >= 0) this.rowBytes += utf8Bytes(piece)
    else if (this.rowRaw.length * 3 > maxRow) this.rowBytes = utf8Bytes(this.rowRaw)
    if (this.fieldBytes > this.settings.maxFieldBytes && this.state !== FIELD)
      return this.state === UNQUOTED
        ? this.cut('field', this.line, -1)
        : this.cut('field', this.quoteLine, this.quoteOffset)
    if (this.rowBytes > maxRow) return this.cut('row', this.rowLine, 0)
    if (final) this.finishRow()
    return undefined
  }

  /** The input ended inside a row. */
  private finishRow(): void {
    this.rowEnd = this.rowStart
    const raw = this.rowRaw
    if (this.state === QUOTED) {
      this.inRow = false
      this.out.entries.push(unterminatedQuote(this.quoteLine, raw, [...this.fields, this.field]))
      this.out.lines.push(this.quoteLine)
      return
    }
    if (this.state === UNQUOTED || this.state === FIELD) this.completeField(0, 0)
    else this.completeQuoted()
    const open = this.oversizedOpen
    if (open !== undefined) {
      this.cut('field', open.line, open.offset)
      return
    }
    this.rowHasInvalid ||= this.rowInvalid.length > 0
    this.rowEndLine = this.line
    this.emit()
  }

  /**
   * A field (or row) passed its size limit: reports it, and reads again from the line after
   * `openLine`, where it opened (at `openOffset` of the row's text: a quote may have swallowed the
   * lines after it), or, with a negative offset, skips the rest of the line. Returns where to go
   * on in the text to read again.
   */
  private cut(what: 'field' | 'row', openLine: number, openOffset: number): number {
    const max = what === 'field' ? this.settings.maxFieldBytes : this.settings.maxRowBytes
    const text = this.text
    const full = this.rowRaw + (this.rowStart < text.length ? text.slice(this.rowStart) : '')
    const invalid = [...this.rowInvalid]
    for (let index = this.invalidAt; index < this.invalid.length; index++) {
      const offset = this.invalid[index] as number
      if (offset >= this.rowStart) invalid.push(this.rowOffset(offset))
    }
    this.inRow = false
    this.rowSeen = true
    this.out.entries.push(limitPassed(what, max, openLine, full))
    this.out.lines.push(openLine)
    const lineBreak = openOffset < 0 ? -1 : nextBreak(full, openOffset)
    this.line = openLine
    this.pendingLf = 0
    this.pendingCr = 0
    if (lineBreak === -1) {
      this.skipping = true
      this.useText('', NONE)
      return 0
    }
    this.line = openLine + 1
    let resume = lineBreak + 1
    if (full.charCodeAt(lineBreak) === CR) {
      if (resume === full.length) this.pendingCr0 = true
      else if (full.charCodeAt(resume) === LF) resume++
    }
    const again = invalid.filter((offset) => offset >= resume).map((offset) => offset - resume)
    this.useText(full.slice(resume), again)
    return 0
  }
}

/** Whether every field of `row` is blank (white space or nothing). */
function isBlankRow(row: readonly string[]): boolean {
  for (const field of row) if (field.length > 0 && field.trim() !== '') return false
  return true
}
