/**
 * What `run`, `schedule` and `watch` do alike before and after their own work: parse the
 * arguments (or print the help), load the environment file, the redaction and the pipeline,
 * append run history, and wait for SIGINT or SIGTERM.
 *
 * @internal
 * @packageDocumentation
 */
import { appendFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Pipeline } from '../pipelines/definePipeline.js'
import type { RunHistoryEntry } from '../pipelines/RunHistoryEntry.js'
import { parseParams, UsageError, usageErrorOf } from './arguments.js'
import { onShutdown } from './console.js'
import { loadEnvFile, outputRedaction, redactOutput } from './environment.js'
import { loadPipeline } from './loadPipeline.js'

type CommandOptions = NonNullable<ParseArgsConfig['options']>

/** What `parseArgs` gives for `options` with positionals allowed. @internal */
export type CommandArgs<Options extends CommandOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: Options; allowPositionals: true }>
>

/**
 * The command's arguments parsed against `options`, or `undefined` once `--help` has printed
 * `help`. A malformed argument is a {@link UsageError} that names the closest known flag.
 *
 * @internal
 */
export function parseCommandArgs<const Options extends CommandOptions>(
  command: string,
  args: readonly string[],
  options: Options,
  help: string,
): CommandArgs<Options> | undefined {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true })
  } catch (error) {
    throw usageErrorOf(command, error, options)
  }
  if ((parsed.values as Record<string, unknown>)['help'] === true) {
    process.stdout.write(help)
    return undefined
  }
  return parsed
}

/** A pipeline ready to run, with its parameters and the redaction of everything printed. @internal */
export interface PreparedPipeline {
  readonly pipeline: Pipeline
  readonly params: Record<string, string>
  readonly redact: (text: string) => string
}

/**
 * Parses `--param`, loads `--env-file`, routes stdout and stderr through the redaction, then
 * loads the pipeline `file` exports — in that order, so the pipeline's module sees the variables.
 *
 * @internal
 */
export async function preparePipeline(
  file: string,
  values: { readonly param?: readonly string[]; readonly 'env-file'?: string },
): Promise<PreparedPipeline> {
  const params = parseParams(values.param)
  const envFile = loadEnvFile(values['env-file'])
  const redact = outputRedaction(envFile, params)
  redactOutput(redact)
  const pipeline = await loadPipeline(file)
  return { pipeline, params, redact }
}

/** An `onRun` that appends each run, redacted, as one JSON line to `history` (if given). @internal */
export function historyAppender(
  history: string | undefined,
  redact: (text: string) => string,
): (entry: RunHistoryEntry) => void {
  return (entry) => {
    if (history !== undefined) appendFileSync(history, redact(`${JSON.stringify(entry)}\n`))
  }
}

/** Starts a job; an error its options cause is a {@link UsageError}. @internal */
export function startJob<Job>(start: () => Job): Job {
  try {
    return start()
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/**
 * Resolves to the first SIGINT or SIGTERM, once `notice(signal)` has been written to stderr;
 * a second signal exits at once.
 *
 * @internal
 */
export function untilShutdown(notice: (signal: NodeJS.Signals) => string): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    onShutdown((signal) => {
      process.stderr.write(notice(signal))
      resolve(signal)
    })
  })
}
