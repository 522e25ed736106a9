import { open } from 'node:fs/promises'
import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runSink } from '../internal/runSink.js'
import type { Writable } from 'node:stream'
import { fileSink } from '../internal/fileSink.js'
import { sinkTarget } from '../internal/fileSinkTarget.js'
import { checkDelimiter, parseFirstRow } from '../internal/csv/csvFormat.js'
import { CsvFileFormat } from '../internal/csv/csvFileFormat.js'

/**
 * Options of {@link toCsv}, besides the run's options.
 *
 * @category sinks
 * @since 0.1.0
 */
export interface ToCsvOptions extends RunOptions {
  /** The columns, in order. Default: the keys of the first record. */
  readonly columns?: readonly string[]
  /**
   * What to do with a record's keys that are not columns (default `'error'`):
   * - `'error'`: the record is a SinkError failure naming it and the keys; the run goes on.
   * - `'ignore'`: those values are left out.
   * - `'append'`: each new key becomes a new last column. Its values are written at once; at the
   *   commit the file is rewritten in one streamed pass (never held in memory) to put the full
   *   header on top and pad the earlier rows with empty cells. Costs one more write of the file,
   *   only when a column was actually added. Not available with `append: true`.
   */
  readonly extraColumns?: 'error' | 'ignore' | 'append'
  /** Write a header row (default true). */
  readonly header?: boolean
  /** The field delimiter (default `,`): non-empty, without quotes or line breaks. */
  readonly delimiter?: string
  /** The line ending after every row, the last included (default `\r\n`, as RFC 4180 says). */
  readonly lineEnding?: '\r\n' | '\n' | '\r'
  /** Start the file with a UTF-8 byte order mark, so Excel reads it as UTF-8 (default false). */
  readonly bom?: boolean
  /**
   * Protect against spreadsheet formula injection: a string cell starting with `=`, `+`, `-`, `@`,
   * tab or CR gets a leading `'` (default false). Numbers are left as they are.
   */
  readonly formulaEscape?: boolean
  /**
   * Append to the target instead of replacing it: no temporary file, and no header when the file
   * is not empty — its columns are then read from its first row, unless `columns` are given (or
   * the file is gzipped: then give `columns`, or they come from the first record). An aborted run
   * leaves the rows already handed to the file, whole. Default false.
   */
  readonly append?: boolean
  /**
   * Flush the file to the disk before it replaces the target, and the directory after (default
   * true): without it, a power cut soon after the run can leave an empty or partial target.
   */
  readonly fsync?: boolean
  /** Gzip the output (default: when the path ends in `.gz`). */
  readonly gzip?: boolean
  /**
   * With a stream as the target: end it when the run is over (default true; stdout and stderr
   * are never ended).
   */
  readonly end?: boolean
}

/**
 * A sink that writes records to a CSV file (RFC 4180), atomically: the rows go to a temporary file
 * beside `path`, which replaces the target only when the input completes. On a failure or an
 * abort the target is untouched (an earlier file of that name survives), the temporary file is
 * removed, and the records it held count as dropped with reason `aborted` — `written` means in
 * the target. A missing directory or an unwritable path fails the run at once, naming the path.
 *
 * Columns come from `columns` or the first record's keys; cells are quoted when they contain the
 * delimiter, a quote, CR or LF, or start or end with white space; null and undefined are empty;
 * Dates are ISO 8601; nested objects and arrays are JSON. A record that is an array is written as
 * a row as it is. No records and no `columns` give an empty file; with `columns`, the header only.
 * A record that cannot be written (extra keys with `extraColumns: 'error'`, not an object) is a
 * SinkError failure naming its row, handled by the run's policy.
 *
 * The writes honour the file stream's backpressure (sources wait while it drains) and go out in
 * ~64 KiB chunks. The report has a `file` section: `{ path, bytes, committed }` (and
 * `removedTemporaryFiles` when it removed the temporary files of an earlier run that was killed:
 * their names carry the pid of a process that no longer exists).
 *
 * The target may be a `Writable` instead of a path (`process.stdout`, a socket, a gzip stream
 * piped to a file): **no temporary file and no atomic rename** then — rows count as written once
 * the stream accepted them, and a failed run leaves the rows already written. Backpressure is
 * honoured the same way. The stream is ended when the run is over (not with `end: false`, and
 * never stdout or stderr); `append`, `gzip`, `fsync` and `extraColumns: 'append'` are refused.
 * The report then has a `stream` section: `{ name, bytes, ended }`.
 *
 * @example
 * ```ts
 * import { mkdtemp, readFile } from 'node:fs/promises'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { pipe, fromGenerator, toCsv } from 'powerflow-etl'
 *
 * const path = join(await mkdtemp(join(tmpdir(), 'powerflow-')), 'deals.csv')
 * const report = await pipe(
 *   fromGenerator([{ id: 1, name: 'Acme, Inc.' }, { id: 2, name: 'Globex' }]),
 *   toCsv(path, { lineEnding: '\n' }),
 * )
 * console.assert(report.written === 2)
 * console.assert((await readFile(path, 'utf8')) === 'id,name\n1,"Acme, Inc."\n2,Globex\n')
 *
 * // To a stream: here standard output
 * await pipe(fromGenerator([{ id: 1, name: 'Acme' }]), toCsv(process.stdout, { lineEnding: '\n' }))
 * ```
 *
 * @param target - the file to write, or a Writable stream
 * @param options - columns, format, atomicity and the run's options
 * @returns a sink: a function from a Flow to the promise of its run report
 * @category sinks
 * @since 0.1.0
 */
export function toCsv<A extends object>(
  target: string | Writable,
  options: ToCsvOptions = {},
): Sink<A> {
  // The stage name shows the file's name; messages about the file itself give the whole path.
  const { stage, settings } = sinkTarget('toCsv', target, options)
  const delimiter = options.delimiter ?? ','
  checkDelimiter(stage, delimiter)
  const lineEnding = options.lineEnding ?? '\r\n'
  if (lineEnding !== '\r\n' && lineEnding !== '\n' && lineEnding !== '\r')
    throw new TypeError(`${stage}: lineEnding must be '\\r\\n', '\\n' or '\\r'`)
  const extraColumns = options.extraColumns ?? 'error'
  if ((options.append === true || settings.stream !== undefined) && extraColumns === 'append')
    throw new TypeError(
      `${stage}: extraColumns 'append' rewrites the file, which ${options.append === true ? 'append: true' : 'a stream'} cannot do; list the columns instead`,
    )
  return (flow) =>
    runSink<A>(flow, stage, options, (handle) =>
      fileSink<A>(
        handle,
        { ...settings, checkpointable: extraColumns !== 'append' },
        async (output) =>
          new CsvFileFormat<A>({
            columns:
              options.columns ??
              (options.append === true && output.existingBytes > 0 && settings.gzip !== true
                ? await headerOf(output.path, stage, delimiter)
                : undefined),
            delimiter,
            lineEnding,
            extraColumns,
            header: options.header !== false,
            bom: options.bom === true,
            formulaEscape: options.formulaEscape === true,
          }),
      ),
    )
}

/** The columns of the CSV file being appended to, from its first row. */
async function headerOf(path: string, stage: string, delimiter: string): Promise<string[]> {
  const handle = await open(path, 'r')
  try {
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(HEADER_LIMIT) })
    const columns = parseFirstRow(buffer.toString('utf8', 0, bytesRead), delimiter)
    if (columns !== undefined) return columns
  } finally {
    await handle.close()
  }
  throw new Error(
    `${stage}: cannot append to ${path}: no header row in its first ${HEADER_LIMIT} bytes; give the columns`,
  )
}

const HEADER_LIMIT = 1024 * 1024
