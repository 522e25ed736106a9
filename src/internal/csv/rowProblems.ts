/**
 * What the CSV row parser says about a row it cannot read as it is: a malformed quote (with the
 * lines it ran over), bytes that are not UTF-8, a field or row past its size limit, an
 * unterminated quote at the end. A failure shows at most 1,000 characters of the row.
 *
 * @internal
 * @packageDocumentation
 */
import { invalidUtf8Reason } from '../input/invalidUtf8.js'
import type { CsvProblem } from './parsedRows.js'

/** The reason given for a row holding bytes that are not UTF-8. @internal */
export const INVALID_UTF8 = invalidUtf8Reason("'windows-1252' or 'latin1'")

/** How much of a row a failure shows. */
const RAW_PREVIEW_CHARS = 1_000

const preview = (text: string): string =>
  text.length <= RAW_PREVIEW_CHARS ? text : `${text.slice(0, RAW_PREVIEW_CHARS)}…`

/** What the parser knows of a finished row that may have a problem. @internal */
export interface FinishedRow {
  readonly fields: readonly string[]
  /** The lines where the row starts and ends. */
  readonly line: number
  readonly endLine: number
  readonly raw: string
  /** Where the first malformed quoted field opened, or 0. */
  readonly malformedLine: number
  /** Whether the row holds bytes that are not UTF-8. */
  readonly invalid: boolean
  /** The first field over `maxFieldBytes` (1-based), or 0. */
  readonly oversizedField: number
  readonly maxFieldBytes: number
  readonly maxRowBytes: number
}

/** The problem of a finished row, the first that applies, or `undefined` if it has none. @internal */
export function rowProblem(row: FinishedRow): CsvProblem | undefined {
  const { fields, line, raw } = row
  if (row.malformedLine !== 0) {
    const start = row.malformedLine
    const end = row.endLine
    const span =
      end > start
        ? `; the field runs from line ${start} to line ${end}, ${end - start + 1} lines (a stray quote, perhaps)`
        : ''
    return {
      reason: `malformed quoted field: a quote inside a quoted field must be doubled${span}`,
      line: start,
      raw: preview(raw),
      fields,
      details: { endLine: end, lines: end - start + 1 },
    }
  }
  if (row.invalid) return { reason: INVALID_UTF8, line, raw: preview(raw), fields }
  if (row.oversizedField !== 0)
    return {
      reason: `field ${row.oversizedField} is larger than maxFieldBytes (${row.maxFieldBytes} bytes)`,
      line,
      raw: preview(raw),
    }
  if (Buffer.byteLength(raw, 'utf8') > row.maxRowBytes)
    return {
      reason: `row larger than maxRowBytes (${row.maxRowBytes} bytes)`,
      line,
      raw: preview(raw),
    }
  return undefined
}

/** The input ended inside a quoted field that opened at `line`. @internal */
export function unterminatedQuote(
  line: number,
  raw: string,
  fields: readonly string[],
): CsvProblem {
  return {
    reason: 'unterminated quoted field (it swallows the rest of the input)',
    line,
    raw: preview(raw),
    fields,
  }
}

/**
 * A field or row passed its size limit before it ended; reading resumes at the line after
 * `openLine`.
 *
 * @internal
 */
export function limitPassed(
  what: 'field' | 'row',
  max: number,
  openLine: number,
  raw: string,
): CsvProblem {
  const name = what === 'field' ? 'maxFieldBytes' : 'maxRowBytes'
  return {
    reason: `${what} larger than ${name} (${max} bytes), perhaps an unterminated quote; reading resumes at line ${openLine + 1}`,
    line: openLine,
    raw: preview(raw),
  }
}
