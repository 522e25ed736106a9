import type { RunReport } from '../core/RunReport.js'
import type { RunOptions } from '../core/RunOptions.js'

/**
 * Where a pipeline writes what it has to say: the `powerflow` command prints it on stderr with the
 * pipeline's name and with secrets redacted; in code it is whatever the caller passes.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface PipelineLogger {
  readonly info: (message: string) => void
  readonly warn: (message: string) => void
  readonly error: (message: string) => void
}

/**
 * What a pipeline's `run` receives: everything that comes from outside the pipeline file.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface PipelineContext {
  /** The pipeline's name. */
  readonly name: string
  /** Aborts the run (Ctrl-C, SIGTERM, a schedule stopping): pass it to the sink. */
  readonly signal: AbortSignal
  /** Parameters as strings: `--param key=value` on the command line, `ctx.params.file` for `watch`. */
  readonly params: Readonly<Record<string, string>>
  /** The environment, with the `--env-file` values loaded (`process.env` unless given). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Messages for the person or the log watching the run. */
  readonly logger: PipelineLogger
  /**
   * The run options the caller wants on the sink — `name`, `signal` and the command's `progress`
   * setting: `toCsv(path, { ...ctx.runOptions })`.
   */
  readonly runOptions: RunOptions
}

/**
 * What {@link definePipeline} takes.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface PipelineDefinition {
  /** A short name for logs, reports and the run history: `sync-deals`. */
  readonly name: string
  /** One sentence for `powerflow run --help` readers and for the history. */
  readonly description?: string
  /** Runs the pipeline once; resolves to the report of its run (rejects like a sink does). */
  readonly run: (ctx: PipelineContext) => Promise<RunReport>
}

/**
 * A named pipeline: what a pipeline file exports by default, and what `schedule` and
 * `watchFolder` run.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface Pipeline extends PipelineDefinition {
  readonly _tag: 'Pipeline'
}

/**
 * Names a pipeline so that it can run as a job: `powerflow run file.ts`, `schedule` and
 * `watchFolder` call its `run` with a {@link PipelineContext} — the signal that stops it, the
 * parameters, the environment and a logger. Defining a pipeline does nothing else: no file is
 * read and no server contacted until `run` is called, so a pipeline file is safe to import.
 *
 * Throws a `TypeError` when the name is empty or `run` is not a function.
 *
 * @example
 * ```ts
 * import { definePipeline, fromGenerator, map, pipe, toArray } from 'powerflow-etl'
 *
 * const double = definePipeline({
 *   name: 'double',
 *   description: 'Doubles the numbers up to ctx.params.upTo.',
 *   run: (ctx) =>
 *     pipe(
 *       fromGenerator(Array.from({ length: Number(ctx.params['upTo'] ?? 3) }, (_, n) => n + 1)),
 *       map((n) => n * 2),
 *       toArray({ ...ctx.runOptions }),
 *     ),
 * })
 *
 * // What `powerflow run double.ts --param upTo=4` does, in code:
 * const report = await double.run({
 *   name: double.name,
 *   signal: new AbortController().signal,
 *   params: { upTo: '4' },
 *   env: process.env,
 *   logger: console,
 *   runOptions: { name: double.name },
 * })
 * console.assert(report.status === 'completed' && report.written === 4)
 * ```
 *
 * @param definition The pipeline's name, description and `run` function.
 * @returns The pipeline, to export by default from a pipeline file.
 * @see schedule
 * @see watchFolder
 * @category pipelines
 * @since 0.2.0
 */
export function definePipeline(definition: PipelineDefinition): Pipeline {
  if (typeof definition.name !== 'string' || definition.name.trim() === '')
    throw new TypeError('definePipeline: name must be a non-empty string')
  if (typeof definition.run !== 'function')
    throw new TypeError(`definePipeline ${definition.name}: run must be a function`)
  return { ...definition, _tag: 'Pipeline' }
}

/**
 * Whether a value is a pipeline — by shape, so that a pipeline made by another copy of the
 * library (the built package and a source checkout) is recognised too.
 *
 * @internal
 */
export function isPipeline(value: unknown): value is Pipeline {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Pipeline>
  return (
    candidate._tag === 'Pipeline' &&
    typeof candidate.name === 'string' &&
    typeof candidate.run === 'function'
  )
}
