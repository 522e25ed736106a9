import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runSink } from '../internal/runSink.js'
import type { Writable } from 'node:stream'
import { fileSink, RecordProblem, type FileFormat } from '../internal/fileSink.js'
import { sinkTarget } from '../internal/fileSinkTarget.js'

/**
 * Options of {@link toJson}, besides the run's options.
 *
 * @category sinks
 * @since 0.1.0
 */
export interface ToJsonOptions extends RunOptions {
  /**
   * `'array'`: one JSON array; `'ndjson'`: one JSON value per line (JSON Lines). Default: `'ndjson'`
   * when the path ends in `.ndjson` or `.jsonl` (before any `.gz`), else `'array'`.
   */
  readonly format?: 'array' | 'ndjson'
  /** Indent the array's records: `true` for 2 spaces, or a number of spaces (array format only). */
  readonly pretty?: boolean | number
  /**
   * Append to the target instead of replacing it (NDJSON only): no temporary file. An aborted run
   * leaves the lines already handed to the file, whole. Default false.
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
 * A sink that writes records to a JSON file — one array, written incrementally (never the whole
 * array in memory), or NDJSON — atomically: the output goes to a temporary file beside `path`,
 * which replaces the target only when the input completes. On a failure or an abort the target is
 * untouched (an earlier file of that name survives), the temporary file is removed, and the
 * records it held count as dropped with reason `aborted` — `written` means in the target. A
 * missing directory or an unwritable path fails the run at once, naming the path.
 *
 * No records give `[]` (or an empty NDJSON file). A record JSON cannot represent (a bigint, a
 * cycle, `undefined` or a function) is a SinkError failure naming its row, handled by the run's
 * policy. Dates become ISO 8601 strings (`Date.prototype.toJSON`).
 *
 * The writes honour the file stream's backpressure (sources wait while it drains) and go out in
 * ~64 KiB chunks. The report has a `file` section: `{ path, bytes, committed }` (and
 * `removedTemporaryFiles` when it removed the temporary files of an earlier run that was killed).
 * With the `checkpoint` run option (a file, not appending or gzipped) its temporary file's
 * durable length is saved at each checkpoint, and `resume: true` continues it to the bytes an
 * uninterrupted run writes (see the guide to state and resume).
 *
 * The target may be a `Writable` instead of a path (`process.stdout`, a socket, a gzip stream
 * piped to a file): **no temporary file and no atomic rename** then — records count as written
 * once the stream accepted them, and a failed run leaves what was already written (an array
 * unclosed). Backpressure is honoured the same way. The format comes from `format` (default
 * `'array'`, or by the extension of a file stream's path); the stream is ended when the run is
 * over (not with `end: false`, and never stdout or stderr); `append`, `gzip` and `fsync` are
 * refused. The report then has a `stream` section: `{ name, bytes, ended }`.
 *
 * @example
 * ```ts
 * import { mkdtemp, readFile } from 'node:fs/promises'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { pipe, fromGenerator, toJson } from 'powerflow-etl'
 *
 * const directory = await mkdtemp(join(tmpdir(), 'powerflow-'))
 * const records = [{ id: 1, tags: ['a'] }, { id: 2, tags: [] }]
 * await pipe(fromGenerator(records), toJson(join(directory, 'deals.json')))
 * console.assert(JSON.stringify(JSON.parse(await readFile(join(directory, 'deals.json'), 'utf8'))) === JSON.stringify(records))
 *
 * const report = await pipe(fromGenerator(records), toJson(join(directory, 'deals.ndjson')))
 * console.assert(report.written === 2)
 *
 * // To a stream: here standard output, as JSON Lines
 * await pipe(fromGenerator(records), toJson(process.stdout, { format: 'ndjson' }))
 * ```
 *
 * @param target - the file to write, or a Writable stream
 * @param options - format, atomicity and the run's options
 * @returns a sink: a function from a Flow to the promise of its run report
 * @category sinks
 * @since 0.1.0
 */
export function toJson<A>(target: string | Writable, options: ToJsonOptions = {}): Sink<A> {
  // The stage name shows the file's name; messages about the file itself give the whole path.
  const { stage, settings } = sinkTarget('toJson', target, options)
  const path = settings.path
  const plain = path.endsWith('.gz') ? path.slice(0, -3) : path
  const format =
    options.format ?? (plain.endsWith('.ndjson') || plain.endsWith('.jsonl') ? 'ndjson' : 'array')
  if (format !== 'array' && format !== 'ndjson')
    throw new TypeError(`${stage}: format must be 'array' or 'ndjson'`)
  const indent = options.pretty === true ? 2 : options.pretty === false ? 0 : (options.pretty ?? 0)
  if (!Number.isInteger(indent) || indent < 0 || indent > 10)
    throw new TypeError(`${stage}: pretty must be true, false or a number of spaces from 0 to 10`)
  if (format === 'ndjson' && indent > 0)
    throw new TypeError(`${stage}: pretty printing would break NDJSON's one record per line`)
  if (format === 'array' && options.append === true)
    throw new TypeError(`${stage}: append: true needs format 'ndjson'; a JSON array cannot grow`)
  return (flow) =>
    runSink<A>(flow, stage, options, (handle) =>
      // Checkpoints: neither format keeps state of its own beyond the records' count.
      fileSink<A>(handle, { ...settings, checkpointable: true }, () =>
        format === 'ndjson' ? ndjsonFormat<A>() : arrayFormat<A>(indent),
      ),
    )
}

function stringify(record: unknown, indent: number): string {
  const text = indent === 0 ? JSON.stringify(record) : JSON.stringify(record, null, indent)
  if (typeof text !== 'string')
    throw new RecordProblem(`JSON cannot represent a record of type ${typeof record}`)
  return text
}

function ndjsonFormat<A>(): FileFormat<A> {
  return {
    start: () => '',
    record: (record) => `${stringify(record, 0)}\n`,
    end: () => '',
  }
}

/** `[`, one record per line (indented when pretty), `]`: valid JSON at every size. */
function arrayFormat<A>(indent: number): FileFormat<A> {
  const pad = ' '.repeat(indent)
  return {
    start: () => '[',
    record(record, index) {
      const text = stringify(record, indent)
      // JSON text holds no raw line breaks inside strings, so every \n is structure.
      const body = indent === 0 ? text : pad + text.replaceAll('\n', `\n${pad}`)
      return `${index === 0 ? '\n' : ',\n'}${body}`
    },
    end: (count) => (count === 0 ? ']\n' : '\n]\n'),
  }
}
