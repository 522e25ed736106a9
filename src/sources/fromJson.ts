import type { Readable } from 'node:stream'
import type { Flow } from '../core/Flow.js'
import { pullSource } from '../internal/pullSource.js'
import { inputLabel } from '../internal/input/SourceInput.js'
import { openJsonReader } from '../internal/json/jsonReader.js'

/**
 * What {@link fromJson} reads: a file path, a Node `Readable` (read once, then destroyed), or
 * in-memory text as `{ text }`.
 *
 * @category sources
 * @since 0.1.0
 */
export type JsonInput = string | Readable | { readonly text: string }

/**
 * Options of {@link fromJson}.
 *
 * @category sources
 * @since 0.1.0
 */
export interface FromJsonOptions {
  /**
   * The shape of the input (default `auto`): `array` streams the elements of a top-level array,
   * `object` reads a single top-level object as one record, `ndjson` reads one JSON value per line
   * (NDJSON / JSON Lines). `auto` picks `ndjson` for paths ending in `.ndjson` or `.jsonl` (also
   * with `.gz`), and otherwise an array or an object by the first character of the input.
   */
  readonly format?: 'auto' | 'array' | 'object' | 'ndjson'
  /** The text encoding of the input (default `utf8`; a UTF-8 BOM is skipped). */
  readonly encoding?: BufferEncoding
  /**
   * Gunzips the input: `true` it must be gzip, `false` never (default: when it is gzip data, as its
   * first bytes show; a path ending in `.gz` must be).
   */
  readonly gzip?: boolean
  /**
   * Streams the array found at this property path inside the top-level object instead, such as
   * `'data.items'` for `{ "data": { "items": [ … ] } }` (an array of names for names containing
   * dots). The first match is used and the rest of the document is not read.
   */
  readonly path?: string | readonly string[]
  /**
   * The largest array element, NDJSON line or single object, in bytes (default 64 MiB), so that a
   * broken file cannot exhaust memory. A longer NDJSON line is a ParseError and reading resumes
   * at the next line; a longer array element or object fails the run, naming the stage and file.
   */
  readonly maxRecordBytes?: number
  /**
   * The deepest nesting of arrays and objects in a record, and in what `path` passes over
   * (default 1000); deeper input fails the run.
   */
  readonly maxDepth?: number
  /**
   * Numbers `JSON.parse` would change — integers beyond ±(2^53 − 1) such as `9007199254740993`,
   * and numbers out of a double's range such as `1e400` — are a ParseError naming the field and
   * the value (`'fail'`, the default), or are kept as strings (`'string'`), or as `bigint`
   * (`'bigint'`, integers only; others as strings).
   */
  readonly bigNumbers?: 'fail' | 'string' | 'bigint'
  /**
   * Report bytes that are not UTF-8 (default `true`): an NDJSON line holding them is a ParseError,
   * an array or object fails the run, naming the line. `false` reads them as U+FFFD. Applies to
   * UTF-8 input; for Latin-1, pass `encoding: 'latin1'`.
   */
  readonly strictEncoding?: boolean
  /** The stage name in the report (default `fromJson <file name>`, `fromJson stream` or `fromJson text`). */
  readonly name?: string
  /**
   * Read only the bytes from `start` up to (not including) `end` of an uncompressed NDJSON file: a
   * part of a file split by `splitFile` (subpath `powerflow-etl/distributed`), whose ranges start
   * on line boundaries. Lines in failures count from the range's start.
   */
  readonly range?: { readonly start: number; readonly end: number }
}

const NDJSON_PATH = /\.(?:ndjson|jsonl)(?:\.gz)?$/i
const DEFAULT_MAX_RECORD = 64 * 1024 * 1024
const DEFAULT_MAX_DEPTH = 1000

/**
 * A source of records from JSON: the elements of a top-level array streamed one by one (a file
 * of any size runs in bounded memory), a single top-level object as one record, or NDJSON /
 * JSON Lines. The input is read only while the run has budget.
 *
 * Records are `unknown`: check and type them with `validate(codec)` rather than a cast.
 *
 * Errors: a malformed NDJSON line becomes a `Left` ParseError with the file, line number, byte
 * offset and raw line, and the following lines are still read; blank lines (JSON white space
 * only) are skipped. So does a line holding bytes that are not UTF-8 (unless
 * `strictEncoding: false`), and a record holding a number `JSON.parse` would change, naming the
 * field (see `bigNumbers`). A malformed array or object fails the run with the byte offset and
 * line of the first error (the records before it have been emitted), and so does anything
 * malformed in the members `path` passes over; so does a truncated array, an empty input, a
 * top-level value that is neither an array nor an object, a record past `maxRecordBytes` or
 * `maxDepth`, and bytes that are not UTF-8. A missing or unreadable file fails the
 * run at once, naming the path. Completion and unsubscribe close the file (or destroy the stream).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs'
 * import * as t from 'io-ts'
 * import { pipe, fromJson, validate, toArray } from 'powerflow-etl'
 *
 * writeFileSync('deals.ndjson', '{"id":1,"amount":120}\nnot json\n{"id":2,"amount":80}\n')
 * const Deal = t.type({ id: t.number, amount: t.number })
 * const report = await pipe(fromJson('deals.ndjson'), validate(Deal), toArray())
 * console.assert(report.records.length === 2 && report.records[0]?.amount === 120)
 * console.assert(report.failed === 1 && report.failures[0]?.location?.line === 2)
 * ```
 *
 * @param input - a file path, a Node `Readable`, or `{ text }`
 * @param options - format, encoding, gzip, path to a nested array, stage name
 * @returns a Flow of the JSON values, as `unknown`
 * @see validate
 * @category sources
 * @since 0.1.0
 */
export function fromJson(input: JsonInput, options: FromJsonOptions = {}): Flow<unknown> {
  const file = typeof input === 'string' ? input : undefined
  const stage = options.name ?? `fromJson ${inputLabel(input)}`
  const requested = options.format ?? 'auto'
  const format =
    requested === 'auto' && file !== undefined && NDJSON_PATH.test(file) ? 'ndjson' : requested
  const path =
    options.path === undefined
      ? []
      : typeof options.path === 'string'
        ? options.path.split('.').filter((name) => name !== '')
        : options.path
  if (path.length > 0 && (format === 'ndjson' || format === 'object'))
    throw new TypeError(`${stage}: the path option needs format 'auto' or 'array', not '${format}'`)
  const range = options.range
  if (range !== undefined && (file === undefined || format !== 'ndjson' || /\.gz$/i.test(file)))
    throw new TypeError(`${stage}: the range option reads a part of an uncompressed NDJSON file`)
  const settings = {
    stage,
    range,
    format,
    encoding: options.encoding ?? 'utf8',
    gzip: options.gzip,
    path,
    maxRecordBytes: Math.max(1, options.maxRecordBytes ?? DEFAULT_MAX_RECORD),
    maxDepth: Math.max(1, Math.floor(options.maxDepth ?? DEFAULT_MAX_DEPTH)),
    bigNumbers: options.bigNumbers ?? 'fail',
    strictEncoding: options.strictEncoding ?? true,
  } as const
  return pullSource<unknown>(stage, (signal) => openJsonReader(input, settings, signal), {
    positions: file !== undefined && format === 'ndjson' && !settings.gzip && range === undefined,
  })
}
