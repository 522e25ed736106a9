/**
 * RFC 4180 formatting for the CSV sink: cells, and the streamed rewrite that widens the rows of a
 * finished file when columns were appended after its header was written.
 *
 * @internal
 * @packageDocumentation
 */
import { Transform, type TransformCallback } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'

/** The line endings the CSV sink writes. @internal */
export type CsvLineEnding = '\r\n' | '\n' | '\r'

/** Cells a spreadsheet would run as a formula (OWASP's list: `=`, `+`, `-`, `@`, tab, CR). */
const FORMULA_START = /^[=+\-@\t\r]/

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')

/**
 * Checks the delimiter: non-empty, and free of the quote and line-break characters that would
 * make the output ambiguous.
 *
 * @internal
 */
export function checkDelimiter(stage: string, delimiter: string): void {
  if (delimiter === '' || /["\r\n]/.test(delimiter))
    throw new TypeError(
      `${stage}: the delimiter ${JSON.stringify(delimiter)} must be non-empty and contain no quote, CR or LF`,
    )
}

/**
 * Makes the function that turns one value into one CSV cell: strings quoted when they contain the
 * delimiter, a quote, CR or LF, or start or end with white space (so a reader that trims keeps
 * them); null and undefined empty; numbers, booleans and bigints as text; Dates as ISO 8601;
 * other objects and arrays as JSON. With `formulaEscape`, a string starting with `=`, `+`, `-`,
 * `@`, tab or CR gets a leading `'` so a spreadsheet shows it as text.
 *
 * @internal
 */
export function cellFormatter(
  delimiter: string,
  formulaEscape: boolean,
): (value: unknown) => string {
  const special =
    delimiter.length === 1
      ? new RegExp(`["\\r\\n${escapeRegExp(delimiter)}]|^\\s|\\s$`)
      : new RegExp(`["\\r\\n]|${escapeRegExp(delimiter)}|^\\s|\\s$`)
  const quote = (text: string): string =>
    special.test(text) ? `"${text.replaceAll('"', '""')}"` : text
  return (value) => {
    if (typeof value === 'string')
      return quote(formulaEscape && FORMULA_START.test(value) ? `'${value}` : value)
    if (value === null || value === undefined) return ''
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return String(value)
    if (value instanceof Date) return value.toISOString()
    if (typeof value === 'object') return quote(JSON.stringify(value) ?? '')
    return quote(String(value))
  }
}

/** Where the column count changed: rows from `fromRow` (0-based data row) have `columns` cells. @internal */
export interface ColumnSegment {
  readonly fromRow: number
  readonly columns: number
}

/** @internal */
export interface WidenRowsOptions {
  /** The file starts with a UTF-8 BOM to leave out (it is part of `prefix` if wanted). */
  readonly skipBom: boolean
  /** The file's first row is a header to leave out (the new one is in `prefix`). */
  readonly skipHeader: boolean
  /** Written first: BOM and the new header row. */
  readonly prefix: string
  readonly lineEnding: CsvLineEnding
  readonly delimiter: string
  /** Ascending by `fromRow`, the first from row 0. */
  readonly segments: readonly ColumnSegment[]
  /** The final number of columns. */
  readonly columns: number
}

/**
 * A transform over CSV text this sink wrote: replaces the header and pads each data row with
 * empty cells up to the final column count. Rows are found by their line ending outside quotes
 * (the sink quotes every field containing CR or LF, so no other line break is outside quotes).
 * Streams: memory stays at one chunk.
 *
 * @internal
 */
export function widenRows(options: WidenRowsOptions): Transform {
  const decoder = new StringDecoder('utf8')
  const terminator = options.lineEnding.charCodeAt(0)
  const tail = options.lineEnding.length - 1
  let started = false
  let skippingBom = options.skipBom
  let skippingHeader = options.skipHeader
  let skipAfterHeader = 0
  let inQuotes = false
  let row = 0
  let segment = 0
  const padFor = (index: number): string => {
    while (
      segment + 1 < options.segments.length &&
      (options.segments[segment + 1] as ColumnSegment).fromRow <= index
    )
      segment += 1
    const have = (options.segments[segment] as ColumnSegment).columns
    return options.delimiter.repeat(Math.max(0, options.columns - have))
  }
  const convert = (text: string): string => {
    let out = started ? '' : options.prefix
    started = true
    let from = 0
    let index = 0
    if (skippingBom && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) from = index = 1
      skippingBom = false
    }
    for (; index < text.length; index++) {
      if (skipAfterHeader > 0) {
        skipAfterHeader -= 1
        from = index + 1
        continue
      }
      const code = text.charCodeAt(index)
      if (code === 34) inQuotes = !inQuotes
      else if (code === terminator && !inQuotes) {
        if (skippingHeader) {
          skippingHeader = false
          skipAfterHeader = tail
          from = index + 1
          continue
        }
        out += text.slice(from, index) + padFor(row)
        row += 1
        from = index
      }
    }
    if (!skippingHeader && from < text.length) out += text.slice(from)
    return out
  }
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      callback(null, convert(decoder.write(chunk)))
    },
    flush(callback: TransformCallback) {
      const rest = convert(decoder.end())
      callback(null, rest === '' ? undefined : rest)
    },
  })
}

/**
 * Parses the first row of CSV text (a UTF-8 BOM skipped, `"` quoting), or gives undefined when
 * the text holds no complete row.
 *
 * @internal
 */
export function parseFirstRow(text: string, delimiter: string): string[] | undefined {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let index = text.charCodeAt(0) === 0xfeff ? 1 : 0; index < text.length; index++) {
    const char = text[index] as string
    if (quoted) {
      if (char !== '"') cell += char
      else if (text[index + 1] === '"') {
        cell += '"'
        index += 1
      } else quoted = false
    } else if (char === '"') quoted = true
    else if (text.startsWith(delimiter, index)) {
      cells.push(cell)
      cell = ''
      index += delimiter.length - 1
    } else if (char === '\r' || char === '\n') {
      cells.push(cell)
      return cells
    } else cell += char
  }
  return undefined
}
