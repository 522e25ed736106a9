import type { Readable } from 'node:stream'
import { TextDecoder } from 'node:util'
import type { Flow } from '../core/Flow.js'
import { pullSource } from '../internal/pullSource.js'
import { openCsvReader, type CsvReaderSettings } from '../internal/csv/csvReader.js'
import { inputLabel } from '../internal/input/SourceInput.js'

/**
 * What {@link fromCsv} reads: a file path (`.csv`, or gzip-compressed such as `.csv.gz`), a Node
 * `Readable` of bytes (gzip recognised by its first bytes), or in-memory text as `{ text }`.
 *
 * @category sources
 * @since 0.1.0
 */
export type CsvInput = string | Readable | { readonly text: string }

/**
 * A value of a typed CSV column: a number, a boolean, a `Date`, `null` for an empty field, or the
 * string itself when it is none of those.
 *
 * @category sources
 * @since 0.1.0
 */
export type CsvValue = string | number | boolean | Date | null

/**
 * Which conversions `typed` applies; each is on unless set to `false`.
 *
 * - `numbers`: `-12`, `3.5`, `1e6` → number. Not `007`, `+1`, `1,5` or integers beyond
 *   `Number.MAX_SAFE_INTEGER`, which stay strings (codes and ids must not lose digits).
 * - `booleans`: `true` / `false` in any letter case → boolean.
 * - `dates`: ISO 8601 dates and date-times (`2024-05-01`, `2024-05-01T10:00:00Z`) → `Date`.
 *   A date alone is UTC midnight; a date-time without an offset is local time, as in `new Date`.
 * - `nulls`: an empty field → `null`.
 *
 * @category sources
 * @since 0.1.0
 */
export interface CsvTyping {
  readonly numbers?: boolean
  readonly booleans?: boolean
  readonly dates?: boolean
  readonly nulls?: boolean
}

/**
 * Options of {@link fromCsv}.
 *
 * @category sources
 * @since 0.1.0
 */
export interface FromCsvOptions {
  /**
   * Whether the first row names the columns (default `true`): the first line that is neither empty
   * nor a comment, as written (a quoted empty name `""` is a name, `column_1`). With `false` and no
   * `columns`, records are arrays of fields.
   */
  readonly header?: boolean
  /**
   * Column names to use: a list (with `header: true` it replaces the file's header row, which is
   * still read and skipped; with `header: false` it names the fields of every row), or a function
   * that renames the header row's names.
   */
  readonly columns?: readonly string[] | ((header: readonly string[]) => readonly string[])
  /** The field delimiter (default `,`), or `'auto'` to guess it (`,` `;` tab `|`) from the first rows. */
  readonly delimiter?: string
  /** The quote character (default `"`). */
  readonly quoteChar?: string
  /** The character that escapes a quote inside a quoted field (default: the quote itself, `""`). */
  readonly escapeChar?: string
  /**
   * Lines that start with this string are comments, skipped before they are parsed, so quotes in
   * them mean nothing (default: none). Only the start of a line as written counts: a quoted value
   * starting with it (`"#1"`), a line inside a quoted field, or a line indented by spaces is data.
   * Skipped comment lines are counted in the stage's `details.commentLines`. It must not start with
   * the quote character nor hold a line break.
   */
  readonly comments?: string | false
  /** The text encoding, any WHATWG label such as `utf-8`, `windows-1252`, `utf-16le` (default `utf-8`). */
  readonly encoding?: string
  /**
   * Report rows holding bytes that are not UTF-8 as ParseErrors naming their line, so that a file
   * in another encoding is not corrupted quietly (default `true`). `false` reads such bytes as
   * U+FFFD. Applies to UTF-8 input; for a Latin-1 or Windows export, pass its `encoding`.
   */
  readonly strictEncoding?: boolean
  /** Trim white space around every field and header name (default `false`). */
  readonly trim?: boolean
  /**
   * Skip empty lines (default `true`): lines with nothing between their line breaks. `'greedy'` also
   * skips lines of white space and delimiters only. A line holding a quoted field is never skipped:
   * `""` is a record of one empty value, and `" "` with `trim` too. A line of white space is a row
   * unless `'greedy'` (with several columns, a ragged one). With `false`, an empty line is a row of
   * one empty field, except before the header row. Skipped lines are not records, so `report.read`
   * does not count them: the stage's `details.blankLines` does.
   */
  readonly skipEmptyLines?: boolean | 'greedy'
  /** Convert values to numbers, booleans, dates and nulls (default `false`: all strings). */
  readonly typed?: boolean | CsvTyping
  /**
   * The largest field, in UTF-8 bytes, read before it is reported (default 1 MiB), so that an
   * unterminated quote cannot take all memory.
   */
  readonly maxFieldBytes?: number
  /**
   * The largest row, in UTF-8 bytes, read before it is reported (default 16 MiB): a longer row is
   * a ParseError, and reading resumes at the line after the one where it started.
   */
  readonly maxRowBytes?: number
  /** The stage name in the report (default `fromCsv <file name>`, `fromCsv stream`, `fromCsv text`). */
  readonly name?: string
  /**
   * Read only the bytes from `start` up to (not including) `end` of a file, with the header row
   * still taken from the file's start: a part of a file split by `splitFile` (subpath
   * `powerflow-etl/distributed`), whose ranges start on record boundaries. Lines in failures count
   * from the start of what is read (header row, then the range). Not for gzip files or streams; it
   * needs a one-character `delimiter` (not `'auto'`).
   */
  readonly range?: { readonly start: number; readonly end: number }
}

/**
 * The options of {@link fromCsv} that type the values (`typed: true` or a {@link CsvTyping}):
 * numbers, booleans, dates and `null` instead of strings.
 *
 * @category sources
 * @since 0.2.0
 */
export type FromCsvTyped = { readonly typed: true | CsvTyping }

/**
 * The options of {@link fromCsv} that leave every value a string (`typed` false or not given).
 *
 * @category sources
 * @since 0.2.0
 */
export type FromCsvUntyped = { readonly typed?: false | undefined }

/**
 * The options of {@link fromCsv} that read rows as arrays (`header: false`, no `columns`).
 *
 * @category sources
 * @since 0.2.0
 */
export type FromCsvArrays = { readonly header: false; readonly columns?: undefined }

/**
 * The options of {@link fromCsv} that read rows as records: named by the header row (the
 * default) or by `columns`.
 *
 * @category sources
 * @since 0.2.0
 */
export type FromCsvNamed =
  | { readonly header?: true | undefined }
  | { readonly columns: readonly string[] | ((header: readonly string[]) => readonly string[]) }

const DEFAULT_MAX_FIELD_BYTES = 1024 * 1024
const DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024
const LINE_BREAKS = /[\r\n]/

function resolveTyping(typed: FromCsvOptions['typed']): CsvReaderSettings['typing'] {
  if (typed === undefined || typed === false) return undefined
  const choice: CsvTyping = typed === true ? {} : typed
  return {
    numbers: choice.numbers !== false,
    booleans: choice.booleans !== false,
    dates: choice.dates !== false,
    nulls: choice.nulls !== false,
  }
}

function resolveSettings(input: CsvInput, options: FromCsvOptions): CsvReaderSettings {
  const file = typeof input === 'string' ? input : undefined
  const stage = options.name ?? `fromCsv ${inputLabel(input)}`
  const invalid = (what: string): TypeError => new TypeError(`${stage}: invalid option ${what}`)
  const delimiter = options.delimiter ?? ','
  const quoteChar = options.quoteChar ?? '"'
  const escapeChar = options.escapeChar ?? quoteChar
  const comments = options.comments ?? false
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES
  if (delimiter === '' || LINE_BREAKS.test(delimiter) || delimiter === quoteChar)
    throw invalid(
      `delimiter ${JSON.stringify(delimiter)}: it must be non-empty and not a line break or the quote`,
    )
  if (quoteChar.length !== 1 || LINE_BREAKS.test(quoteChar))
    throw invalid(`quoteChar ${JSON.stringify(quoteChar)}: it must be one character`)
  if (escapeChar.length !== 1)
    throw invalid(`escapeChar ${JSON.stringify(escapeChar)}: it must be one character`)
  if (
    comments === '' ||
    comments === delimiter ||
    (comments !== false && (comments.startsWith(quoteChar) || LINE_BREAKS.test(comments)))
  )
    throw invalid(
      `comments ${JSON.stringify(comments)}: it must be non-empty, not the delimiter, ` +
        'not start with the quote and hold no line break',
    )
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES
  if (!(maxFieldBytes > 0)) throw invalid(`maxFieldBytes ${maxFieldBytes}: it must be positive`)
  if (!(maxRowBytes > 0)) throw invalid(`maxRowBytes ${maxRowBytes}: it must be positive`)
  const encoding = options.encoding ?? 'utf-8'
  try {
    new TextDecoder(encoding)
  } catch {
    throw invalid(`encoding ${JSON.stringify(encoding)}: not an encoding this runtime can decode`)
  }
  const range = options.range
  if (range !== undefined) {
    if (file === undefined || /\.gz$/i.test(file))
      throw invalid('range: it reads a part of an uncompressed file, not a stream or gzip data')
    if (!(Number.isInteger(range.start) && range.start >= 0 && range.end >= range.start))
      throw invalid(
        `range ${range.start}-${range.end}: it must be whole byte offsets, start <= end`,
      )
    if (delimiter === 'auto' || delimiter.length !== 1)
      throw invalid('range: it needs a one-character delimiter, not auto')
  }
  return {
    stage,
    file,
    range,
    header: options.header ?? true,
    columns: options.columns,
    trim: options.trim ?? false,
    skipEmptyLines: options.skipEmptyLines ?? true,
    comments,
    typing: resolveTyping(options.typed),
    encoding,
    strictEncoding: options.strictEncoding ?? true,
    rows: { delimiter, quoteChar, escapeChar, comments, maxFieldBytes, maxRowBytes },
  }
}

/**
 * A source of the rows of a CSV file, stream or text, parsed as the input streams in (each byte a
 * bounded number of times, however long a row):
 * a file is read in 64 KiB chunks only while the run has budget, so files of any size run in
 * bounded memory. Records are objects keyed by the header row (or arrays with `header: false`),
 * their values strings unless `typed` is on.
 *
 * Handles a UTF-8 byte order mark, CRLF, LF and CR line endings (row by row, so a file mixing
 * them reads right and no value keeps a stray `\r`), quoted fields holding delimiters,
 * quotes and line breaks, and gzip input. Repeated header names get `_2`, `_3`, … (`id, id` →
 * `id`, `id_2`), and an empty header name becomes `column_<position>`.
 *
 * Every line is accounted for: it is part of the header row, a record or a ParseError, or it is a
 * skipped empty or comment line. Skipped lines are not records, so `report.read` does not count
 * them; the stage's `details` do (`{ blankLines, commentLines }`).
 *
 * Bad input never stops the file and never disappears: each of these becomes a `Left` ParseError
 * naming the file, the physical line (`location.line`, 1-based; a row holding quoted line breaks
 * spans several, counted by the character of the first line break that ends a row: `\n` in LF
 * and CRLF files, `\r` in CR-only files; comment and skipped lines count too), the data row
 * (`location.row`, 1-based,
 * the header row not counted) and the row's text (`raw`), and the rows after it are still read:
 * - a row with more or fewer fields than the header, `columns`, or (with `header: false`) the first
 *   row (`details: { expected, found }`; `raw` is the row written back from its fields);
 * - a row holding bytes that are not UTF-8, unless `strictEncoding: false` (then they read as
 *   U+FFFD); the message says which `encoding` to pass;
 * - a malformed quoted field (`"a"b`); when a stray quote made it swallow lines, the message and
 *   `details: { endLine, lines }` say where it ended and how many lines it covers;
 * - an unterminated quoted field at the end of the input, reported once at the line where it opened;
 * - a field larger than `maxFieldBytes`: reported, then reading resumes at the line after the one
 *   where the field opened (rows swallowed by a stray quote are read again);
 * - a row larger than `maxRowBytes`: reported, then reading resumes at the line after the one
 *   where it started.
 *
 * A file that is missing or unreadable, or a stream that fails, errors the Flow at once with a
 * message naming the path, so the run rejects. The file handle is closed on completion, on error
 * and on unsubscribe; a `Readable` given as input is destroyed when the run stops early, and can be
 * read only once.
 *
 * Parsed strings are slices of the chunk they were parsed from: a value kept for long (a dedupe
 * key, a lookup table) keeps its 64 KiB chunk alive. Copy such values (`(' ' + value).slice(1)`)
 * or keep derived values (numbers, normalised keys) instead.
 *
 * @example
 * ```ts
 * import { pipe, fromCsv, toArray } from 'powerflow-etl'
 *
 * const text = 'id;name;amount\n1;Ada;10.5\n2;Grace\n3;Linus;7\n'
 * const report = await pipe(fromCsv({ text }, { delimiter: 'auto', typed: true }), toArray())
 * console.assert(report.records.length === 2 && report.records[0]?.['amount'] === 10.5)
 * console.assert(report.failures[0]?.message === 'fromCsv text line 3: too few fields: expected 3, found 2')
 * ```
 *
 * @param input - a file path, a Node `Readable`, or `{ text }`
 * @param options - header, delimiter, quoting, encoding, typing and limits; see {@link FromCsvOptions}
 * @returns a Flow of records (or arrays) and ParseErrors
 * @category sources
 * @since 0.1.0
 */
export function fromCsv(
  input: CsvInput,
  options: FromCsvOptions & FromCsvArrays & FromCsvTyped,
): Flow<CsvValue[]>
export function fromCsv(
  input: CsvInput,
  options: FromCsvOptions & FromCsvArrays & FromCsvUntyped,
): Flow<string[]>
export function fromCsv(
  input: CsvInput,
  options: FromCsvOptions & FromCsvNamed & FromCsvTyped,
): Flow<Record<string, CsvValue>>
export function fromCsv(
  input: CsvInput,
  options?: FromCsvOptions & FromCsvNamed & FromCsvUntyped,
): Flow<Record<string, string>>
export function fromCsv(
  input: CsvInput,
  options?: FromCsvOptions,
): Flow<Record<string, CsvValue> | CsvValue[]>
export function fromCsv(
  input: CsvInput,
  options: FromCsvOptions = {},
): Flow<Record<string, CsvValue> | CsvValue[]> {
  const settings = resolveSettings(input, options)
  return pullSource<Record<string, CsvValue> | CsvValue[]>(
    settings.stage,
    (signal) => openCsvReader(input, settings, signal),
    { positions: typeof input === 'string' && settings.range === undefined },
  )
}
