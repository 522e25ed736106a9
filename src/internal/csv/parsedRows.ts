/**
 * What the CSV row parser is given and gives back: how rows are written, its settings and saved
 * position, and its output — rows in input order, each with the line where it starts, a problem
 * in the place of a row that cannot be read, a marker for a skipped blank line.
 *
 * @internal
 * @packageDocumentation
 */

/** A row that cannot be read as it is. `fields` is what was made of it, if anything. @internal */
export interface CsvProblem {
  readonly reason: string
  /** The physical line the problem is reported at (for a quote problem: where it opened). */
  readonly line: number
  readonly raw: string
  readonly fields?: readonly string[]
  readonly details?: Readonly<Record<string, unknown>>
}

/** A parsed row, or a problem in its place. @internal */
export type CsvEntry = string[] | CsvProblem

/** Stands in the entries for a skipped blank line. @internal */
export const BLANK_LINE: string[] = []

/** Rows in input order, with the physical line where each starts: `lines[i]` for `entries[i]`. @internal */
export interface ParsedRows {
  readonly entries: CsvEntry[]
  readonly lines: number[]
}

/** The line where entry `index` starts. @internal */
export function lineOf(parsed: ParsedRows, index: number): number {
  return parsed.lines[index] as number
}

/** How rows are written. @internal */
export interface RowSyntax {
  /** A delimiter, or `auto` to guess it from the first rows. */
  readonly delimiter: string
  readonly quoteChar: string
  readonly escapeChar: string
  readonly comments: string | false
  readonly maxFieldBytes: number
  readonly maxRowBytes: number
}

/** @internal */
export interface RowParserSettings extends RowSyntax {
  /** `true`: skip empty lines; `'greedy'`: also lines of blank, unquoted fields. */
  readonly skipEmptyLines: boolean | 'greedy'
  /** Skip empty lines before the first row even with `skipEmptyLines: false` (a header is due). */
  readonly skipLeadingEmptyLines: boolean
  /** Parsing resumes after a saved position: the line there and what the input was found to use. */
  readonly resumeAt?: RowParserPosition
}

/** Where a parser stopped at the end of its input, to resume an appended file there. @internal */
export interface RowParserPosition {
  readonly line: number
  readonly delimiter: string
  readonly breakChar: '\n' | '\r' | undefined
}
