/**
 * The CSV row parser: papaparse's core `Parser` fed chunk by chunk (the unfinished last row is
 * carried over to the next chunk), with what papaparse does not track — the physical line of each
 * row, invalid bytes, oversized fields — added cheaply around it.
 *
 * Lines: a physical line ends at the line break character of the file's line ending (`\n` for LF
 * and CRLF files, `\r` for CR-only files), inside quoted fields too. A row starts one line after
 * the previous one, plus the line breaks inside its quoted fields, plus any comment lines between
 * them. Rows of a chunk are counted by line breaks first; only when the counts differ (a quoted
 * field holds a line break) are the fields looked at, and only when a comment may start a line is
 * the text walked line by line.
 *
 * Comment lines are skipped by papaparse before their fields are parsed (so their quotes mean
 * nothing). Blank lines are told from the text, not from the fields: a line holding `""` parses
 * to the same one empty field as an empty line, but it is a record.
 *
 * @internal
 * @packageDocumentation
 */
import Papa from 'papaparse'
import type { InvalidBytes } from './textDecoding.js'

/** A row that cannot be read as it is. `fields` is what papaparse made of it, if anything. @internal */
export interface CsvProblem {
  readonly reason: string
  /** The physical line the problem is reported at (for an unterminated quote: where it opened). */
  readonly line: number
  readonly raw: string
  readonly fields?: readonly string[]
}

/** A parsed row, or a problem in its place. @internal */
export type CsvEntry = string[] | CsvProblem

/**
 * Stands in the entries for a skipped blank line, so the lines of the other rows stay simple.
 *
 * @internal
 */
export const BLANK_LINE: string[] = []

/**
 * Rows in input order, with the physical line where each starts: `lines[i]` for `entries[i]`, or,
 * when `lines` is undefined, one line each from `firstLine` on.
 *
 * @internal
 */
export interface ParsedRows {
  entries: CsvEntry[]
  lines: number[] | undefined
  firstLine: number
}

/** The line where entry `index` starts. @internal */
export function lineOf(parsed: ParsedRows, index: number): number {
  return parsed.lines === undefined ? parsed.firstLine + index : (parsed.lines[index] as number)
}

const emptyRows = (): ParsedRows => ({ entries: [], lines: undefined, firstLine: 1 })

function pushEntry(out: ParsedRows, entry: CsvEntry, line: number): void {
  if (out.lines === undefined) {
    const first = out.firstLine
    out.lines = out.entries.map((_, index) => first + index)
    if (out.entries.length === 0) out.firstLine = line
  }
  out.entries.push(entry)
  out.lines.push(line)
}

/** How rows are written. @internal */
export interface RowSyntax {
  /** A delimiter, or `auto` to guess it from the first rows. */
  readonly delimiter: string
  readonly quoteChar: string
  readonly escapeChar: string
  readonly comments: string | false
  readonly maxFieldBytes: number
}

/** @internal */
export interface RowParserSettings extends RowSyntax {
  /** `true`: skip empty lines; `'greedy'`: also lines of blank, unquoted fields. */
  readonly skipEmptyLines: boolean | 'greedy'
  /** Skip empty lines before the first row even with `skipEmptyLines: false` (a header is due). */
  readonly skipLeadingEmptyLines: boolean
}

/** Text gathered before the line ending and delimiter are guessed. */
const DETECT_AFTER_CHARS = 16 * 1024
/** How much of an oversized row a failure shows. */
const RAW_PREVIEW_CHARS = 1_000
/** Lines gathered before a delimiter is guessed (unless the sample size comes first). */
const GUESS_AFTER_LINES = 10
const GUESSED_DELIMITERS = [',', ';', '\t', '|']

interface PapaError {
  readonly code: string
  readonly row: number
  readonly index: number
}

interface PapaResult {
  readonly data: string[][]
  readonly errors: PapaError[]
  readonly meta: { readonly cursor: number }
}

/** Counts `char` in `text` between `from` and `to`. @internal */
export function countChar(text: string, char: string, from = 0, to = text.length): number {
  let count = 0
  let index = text.indexOf(char, from)
  while (index !== -1 && index < to) {
    count++
    index = text.indexOf(char, index + 1)
  }
  return count
}

const preview = (text: string): string =>
  text.length <= RAW_PREVIEW_CHARS ? text : `${text.slice(0, RAW_PREVIEW_CHARS)}…`

/** @internal */
export class CsvRowParser {
  private parser: Papa.Parser | undefined
  private delimiterUsed = ','
  private newline: '\n' | '\r\n' | '\r' = '\n'
  private breakChar = '\n'
  private carry = ''
  /** The physical line where `carry` starts. */
  private carryLine = 1
  /** Lines holding invalid bytes that no row has claimed yet, ascending. */
  private invalidLines: number[] = []
  /** Invalid bytes seen before the line ending is known: counts from the start of the input. */
  private earlyMarks: { lf: number[]; cr: number[] } | undefined
  /** Set while input is skipped up to the next line break (after an oversized field). */
  private resumeLine: number | undefined
  /** Whether a row that is not a blank line has been parsed. */
  private rowSeen = false
  /** Comment lines skipped so far. */
  commentLines = 0

  constructor(private readonly settings: RowParserSettings) {}

  /** The delimiter in use (guessed or given). */
  get delimiter(): string {
    return this.delimiterUsed
  }

  /** Parses the rows that `text` completes; the unfinished last row waits for the next piece. */
  push(text: string, invalid?: InvalidBytes): ParsedRows {
    const out = emptyRows()
    if (this.parser === undefined) {
      if (invalid !== undefined) this.keepEarlyMarks(invalid)
      this.carry += text
      if (!this.readyToStart()) return out
      this.start()
    } else {
      let piece = text
      let pieceLine: number
      if (this.resumeLine !== undefined) {
        const lineBreak = piece.indexOf(this.breakChar)
        if (lineBreak === -1) return out
        piece = piece.substring(lineBreak + 1)
        pieceLine = this.resumeLine - 1
        this.carryLine = this.resumeLine
        this.resumeLine = undefined
      } else {
        pieceLine = this.carryLine + countChar(this.carry, this.breakChar)
      }
      if (invalid !== undefined) this.addInvalidLines(invalid, pieceLine)
      this.carry += piece
    }
    this.parseCarry(false, out)
    return out
  }

  /** Parses what is left at the end of the input. */
  end(): ParsedRows {
    const out = emptyRows()
    if (this.parser === undefined) {
      if (this.carry === '' && this.earlyMarks === undefined) return out
      this.start()
    }
    if (this.resumeLine !== undefined) return out
    // Complete rows first, so that the final parse holds one row: its raw text is all of it.
    this.parseCarry(false, out)
    if (this.resumeLine === undefined) this.parseCarry(true, out)
    return out
  }

  /**
   * Whether there is enough text to guess from: a line ending needs one line break (and the
   * character after a `\r`), a delimiter a few lines. A slow stream must not wait for a full
   * sample before its first rows come out.
   */
  private readyToStart(): boolean {
    const text = this.carry
    if (text.length >= DETECT_AFTER_CHARS) return true
    let lines = 0
    for (let index = 0; index < text.length - 1; index++) {
      const char = text[index]
      if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) lines++
      if (lines >= (this.settings.delimiter === 'auto' ? GUESS_AFTER_LINES : 1)) return true
    }
    return false
  }

  private keepEarlyMarks(invalid: InvalidBytes): void {
    const marks = (this.earlyMarks ??= { lf: [], cr: [] })
    const lf = countChar(this.carry, '\n')
    const cr = countChar(this.carry, '\r')
    for (const count of invalid.lf) marks.lf.push(lf + count)
    for (const count of invalid.cr) marks.cr.push(cr + count)
  }

  private addInvalidLines(invalid: InvalidBytes, pieceLine: number): void {
    const counts = this.breakChar === '\r' ? invalid.cr : invalid.lf
    for (const count of counts) {
      const line = pieceLine + count
      if (line >= this.carryLine) this.invalidLines.push(line)
    }
  }

  /** Guesses the line ending (and the delimiter, if asked) from the first text. */
  private start(): void {
    const { quoteChar, escapeChar, comments } = this.settings
    const sample = this.carry
    this.newline = detectNewline(sample, quoteChar, comments)
    this.breakChar = this.newline === '\r' ? '\r' : '\n'
    this.delimiterUsed =
      this.settings.delimiter === 'auto'
        ? guessDelimiter(sample, this.newline, quoteChar, escapeChar, comments)
        : this.settings.delimiter
    this.parser = new Papa.Parser({
      delimiter: this.delimiterUsed,
      newline: this.newline,
      quoteChar,
      escapeChar,
      ...(comments === false ? {} : { comments }),
    })
    if (this.earlyMarks !== undefined) {
      const counts = this.breakChar === '\r' ? this.earlyMarks.cr : this.earlyMarks.lf
      this.invalidLines = counts.map((count) => 1 + count)
      this.earlyMarks = undefined
    }
  }

  private parseCarry(final: boolean, out: ParsedRows): void {
    const parser = this.parser as Papa.Parser
    const { maxFieldBytes } = this.settings
    for (;;) {
      const aggregate = this.carry
      const result = parser.parse(aggregate, 0, !final) as PapaResult
      const rows = result.data
      const cursor = final ? aggregate.length : this.passComments(aggregate, result.meta.cursor)
      // Set only when comment lines may sit among the rows: then each row's line is walked.
      const walked = this.walkComments(aggregate, cursor, rows)
      let errors: Map<number, PapaError> | undefined
      for (const error of result.errors)
        if (error.row < rows.length && errors?.has(error.row) !== true)
          (errors ??= new Map()).set(error.row, error)
      const sequential =
        walked === undefined &&
        !final &&
        countChar(aggregate, this.breakChar, 0, cursor) === rows.length
      // A field can only be too large if the text it came from is: chars × 3 bounds UTF-8 bytes.
      const checkSizes = aggregate.length * 3 > maxFieldBytes
      const starts = new LineStarts(aggregate, this.breakChar)
      let line = this.carryLine
      if (
        sequential &&
        errors === undefined &&
        !checkSizes &&
        this.invalidLines.length === 0 &&
        out.entries.length === 0
      ) {
        // The common case: clean rows, one line each.
        this.markBlankLines(rows, aggregate, starts)
        out.entries = rows
        out.firstLine = line
        line += rows.length
      } else
        for (let index = 0; index < rows.length; index++) {
          const row = rows[index] as string[]
          if (walked !== undefined) line = walked[index] as number
          // Where the row ends matters for invalid bytes only; a walk knows where the next starts.
          const next =
            walked !== undefined && this.invalidLines.length === 0
              ? (walked[index + 1] as number)
              : sequential
                ? line + 1
                : line + 1 + this.breaksIn(row)
          const error = errors?.get(index)
          let entry: CsvEntry = row
          if (error !== undefined) {
            entry = this.papaProblem(error, row, line, aggregate, rows.length)
          } else if (
            this.invalidLines.length > 0 &&
            this.claimInvalid(line, final && index === rows.length - 1 ? Infinity : next)
          ) {
            entry = {
              reason: 'invalid UTF-8 byte sequence',
              line,
              raw: this.rawOf(row),
              fields: row,
            }
          } else if (checkSizes) {
            entry = this.oversizedField(row, line) ?? row
          }
          if (entry === row && this.isBlankLine(row, aggregate, starts, line - this.carryLine))
            entry = BLANK_LINE
          else this.rowSeen = true
          pushEntry(out, entry, line)
          line = next
        }
      if (walked !== undefined) line = walked[rows.length] as number
      this.carry = final ? '' : aggregate.substring(cursor)
      this.carryLine = line
      if (final || this.carry.length * 3 <= maxFieldBytes || !this.cutOpenField(out)) return
    }
  }

  /** Which blank lines are skipped now: none, empty ones, or blank ones (`'greedy'`). */
  private blankMode(): boolean | 'greedy' {
    const { skipEmptyLines, skipLeadingEmptyLines } = this.settings
    if (skipEmptyLines !== false) return skipEmptyLines
    return skipLeadingEmptyLines && !this.rowSeen
  }

  /** Replaces the blank lines among `rows` (one line each from line 0 of `text`) by BLANK_LINE. */
  private markBlankLines(rows: string[][], text: string, starts: LineStarts): void {
    const mode = this.blankMode()
    if (mode === false) return
    for (let index = 0; index < rows.length; index++) {
      const row = rows[index] as string[]
      // Inline test of the only kind of row an empty line gives, so clean rows cost one check.
      const maybeBlank = mode === true ? row.length === 1 && row[0] === '' : isBlankRow(row)
      if (maybeBlank && this.holdsNoQuote(text, starts.at(index))) rows[index] = BLANK_LINE
      else if (!this.rowSeen) {
        this.rowSeen = true
        if (this.blankMode() === false) return
      }
    }
  }

  /** Whether `row`, starting on line `relativeLine` of `text`, is a blank line to skip. */
  private isBlankLine(
    row: readonly string[],
    text: string,
    starts: LineStarts,
    relativeLine: number,
  ): boolean {
    const mode = this.blankMode()
    if (mode === false) return false
    const maybeBlank = mode === true ? row.length === 1 && row[0] === '' : isBlankRow(row)
    return maybeBlank && this.holdsNoQuote(text, starts.at(relativeLine))
  }

  /**
   * Whether the row starting at `start` has no quote before its line ending, so its fields are
   * written as they read: `""` (a quoted empty value) is data, not an empty line.
   */
  private holdsNoQuote(text: string, start: number): boolean {
    const quote = text.indexOf(this.settings.quoteChar, start)
    if (quote === -1) return true
    const end = text.indexOf(this.newline, start)
    return end !== -1 && end < quote
  }

  /** Moves `cursor` past the whole comment lines that follow it, so they are not carried over. */
  private passComments(text: string, cursor: number): number {
    const { comments } = this.settings
    if (comments === false) return cursor
    let at = cursor
    while (text.startsWith(comments, at)) {
      const end = text.indexOf(this.newline, at)
      if (end === -1) break
      at = end + this.newline.length
    }
    return at
  }

  /**
   * When comment lines may be among the rows of `text` up to `cursor`, the line of each row (and,
   * last, the line at `cursor`), counting the comment lines skipped; otherwise `undefined`.
   */
  private walkComments(
    text: string,
    cursor: number,
    rows: readonly string[][],
  ): number[] | undefined {
    const { comments } = this.settings
    if (comments === false) return undefined
    const after = text.indexOf(this.breakChar + comments)
    if (!text.startsWith(comments) && (after === -1 || after >= cursor)) return undefined
    const lines: number[] = []
    let line = this.carryLine
    let at = 0
    const skipComments = (): void => {
      while (at < cursor && text.startsWith(comments, at)) {
        this.commentLines++
        const end = text.indexOf(this.newline, at)
        const stop = end === -1 || end >= cursor ? cursor : end + this.newline.length
        line += countChar(text, this.breakChar, at, stop)
        at = stop
      }
    }
    const { quoteChar } = this.settings
    let nextQuote = text.indexOf(quoteChar)
    for (const row of rows) {
      skipComments()
      lines.push(line)
      if (nextQuote !== -1 && nextQuote < at) nextQuote = text.indexOf(quoteChar, at)
      const end = text.indexOf(this.breakChar, at)
      // A quoted line break needs a quote on the row's first line: without one the row is a line.
      const breaks = nextQuote === -1 || end === -1 || end < nextQuote ? 1 : 1 + this.breaksIn(row)
      at = end === -1 || end >= cursor ? cursor : end + 1
      line++
      for (let more = breaks - 1; more > 0 && at < cursor; more--) {
        const next = text.indexOf(this.breakChar, at)
        at = next === -1 || next >= cursor ? cursor : next + 1
        line++
      }
    }
    skipComments()
    lines.push(line)
    return lines
  }

  private breaksIn(row: readonly string[]): number {
    let count = 0
    for (const field of row) if (field.length > 0) count += countChar(field, this.breakChar)
    return count
  }

  /** Whether a line in [from, to) holds invalid bytes; drops the lines before `to`. */
  private claimInvalid(from: number, to: number): boolean {
    let found = false
    let keep = 0
    while (keep < this.invalidLines.length && (this.invalidLines[keep] as number) < to) {
      if ((this.invalidLines[keep] as number) >= from) found = true
      keep++
    }
    if (keep > 0) this.invalidLines = this.invalidLines.slice(keep)
    return found
  }

  private papaProblem(
    error: PapaError,
    row: string[],
    line: number,
    aggregate: string,
    rowCount: number,
  ): CsvProblem {
    const fieldLine = this.carryLine + countChar(aggregate, this.breakChar, 0, error.index)
    if (error.code === 'MissingQuotes')
      return {
        reason: 'unterminated quoted field (it swallows the rest of the input)',
        line: fieldLine,
        raw: rowCount === 1 ? aggregate : this.rawOf(row),
        fields: row,
      }
    return {
      reason: 'malformed quoted field: a quote inside a quoted field must be doubled',
      line: Math.max(line, fieldLine),
      raw: this.rawOf(row),
      fields: row,
    }
  }

  private oversizedField(row: readonly string[], line: number): CsvProblem | undefined {
    const max = this.settings.maxFieldBytes
    for (let index = 0; index < row.length; index++) {
      const field = row[index] as string
      if (field.length * 3 > max && Buffer.byteLength(field, 'utf8') > max)
        return {
          reason: `field ${index + 1} is larger than maxFieldBytes (${max} bytes)`,
          line,
          raw: preview(this.rawOf(row)),
        }
    }
    return undefined
  }

  /**
   * The unfinished row in `carry` may already hold a field past the cap (an unterminated quote
   * does): report it, and resume at the line after the one where that field opened. Returns
   * whether `carry` now holds text to parse again.
   */
  private cutOpenField(out: ParsedRows): boolean {
    const { delimiter, settings, carry } = this
    const start = openFieldStart(carry, delimiter, settings.quoteChar, settings.escapeChar)
    const field = carry.substring(start)
    const max = settings.maxFieldBytes
    if (field.length * 3 <= max || Buffer.byteLength(field, 'utf8') <= max) return false
    const fieldLine = this.carryLine + countChar(carry, this.breakChar, 0, start)
    pushEntry(
      out,
      {
        reason: `field larger than maxFieldBytes (${max} bytes), perhaps an unterminated quote; reading resumes at line ${fieldLine + 1}`,
        line: fieldLine,
        raw: preview(carry),
      },
      this.carryLine,
    )
    const lineBreak = carry.indexOf(this.breakChar, start)
    if (lineBreak === -1) {
      this.carry = ''
      this.resumeLine = fieldLine + 1
      this.invalidLines = []
      return false
    }
    this.carry = carry.substring(lineBreak + 1)
    this.carryLine = fieldLine + 1
    this.claimInvalid(0, this.carryLine)
    return true
  }

  private rawOf(row: readonly string[]): string {
    return rowText(row, this.delimiterUsed, this.settings.quoteChar)
  }
}

/** Whether every field of `row` is blank (white space or nothing). */
function isBlankRow(row: readonly string[]): boolean {
  for (const field of row) if (field.length > 0 && field.trim() !== '') return false
  return true
}

/** Where the physical lines of a text start, found walking forward only. */
class LineStarts {
  private line = 0
  private offset = 0

  constructor(
    private readonly text: string,
    private readonly breakChar: string,
  ) {}

  /** The offset where line `line` (0-based) starts; lines are asked for in ascending order. */
  at(line: number): number {
    while (this.line < line) {
      const end = this.text.indexOf(this.breakChar, this.offset)
      if (end === -1) return this.text.length
      this.offset = end + 1
      this.line++
    }
    return this.offset
  }
}

/** A row written back as CSV: its raw text, up to quoting details. @internal */
export function rowText(row: readonly string[], delimiter: string, quoteChar: string): string {
  return row
    .map((field) =>
      field.includes(quoteChar) ||
      field.includes(delimiter) ||
      field.includes('\n') ||
      field.includes('\r')
        ? quoteChar + field.split(quoteChar).join(quoteChar + quoteChar) + quoteChar
        : field,
    )
    .join(delimiter)
}

/**
 * The line ending of the first line break outside quotes; `\n` if there is none. A comment line
 * at the start ends at a line break whatever quotes it holds.
 */
function detectNewline(
  sample: string,
  quoteChar: string,
  comments: string | false,
): '\n' | '\r\n' | '\r' {
  let quoted = false
  const inComment = comments !== false && sample.startsWith(comments)
  for (let index = 0; index < sample.length; index++) {
    const char = sample[index]
    if (char === quoteChar && !inComment) quoted = !quoted
    else if (!quoted && char === '\n') return '\n'
    else if (!quoted && char === '\r') return sample[index + 1] === '\n' ? '\r\n' : '\r'
  }
  return '\n'
}

function guessDelimiter(
  sample: string,
  newline: string,
  quoteChar: string,
  escapeChar: string,
  comments: string | false,
): string {
  const lastBreak = sample.lastIndexOf(newline)
  const lines = lastBreak > 0 ? sample.slice(0, lastBreak) : sample
  const result = Papa.parse<string[]>(lines, {
    delimitersToGuess: GUESSED_DELIMITERS,
    preview: 50,
    newline: newline as '\n',
    quoteChar,
    escapeChar,
    skipEmptyLines: true,
    ...(comments === false ? {} : { comments }),
  })
  return result.meta.delimiter
}

/** Where the last (unfinished) field of an unfinished row starts. */
function openFieldStart(text: string, delimiter: string, quote: string, escape: string): number {
  let start = 0
  let index = 0
  while (index < text.length) {
    if (index === start && text.startsWith(quote, index)) {
      let search = index + 1
      for (;;) {
        const closing = text.indexOf(quote, search)
        if (closing === -1) return start
        if (escape === quote && text[closing + 1] === quote) {
          search = closing + 2
          continue
        }
        if (escape !== quote && text[closing - 1] === escape) {
          search = closing + 1
          continue
        }
        index = closing + 1
        break
      }
    }
    const next = text.indexOf(delimiter, index)
    if (next === -1) return start
    start = next + delimiter.length
    index = start
  }
  return start
}
