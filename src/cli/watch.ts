/**
 * `powerflow watch <file> --dir inbox/`: runs a pipeline once per file that arrives.
 *
 * @internal
 * @packageDocumentation
 */
import { appendFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { watchFolder } from '../pipelines/watchFolder.js'
import type { RunHistoryEntry } from '../pipelines/RunHistoryEntry.js'
import {
  parseDuration,
  parseParams,
  pipelineFile,
  PIPELINE_OPTIONS,
  UsageError,
  usageErrorOf,
} from './arguments.js'
import { consoleLogger, onShutdown } from './console.js'
import { loadEnvFile, outputRedaction, redactOutput } from './environment.js'
import { loadPipeline } from './loadPipeline.js'

/** @internal */
export const WATCH_HELP = `Usage: powerflow watch <file> --dir <inbox> [options]

Runs the pipeline that <file> exports by default once for each file that arrives in <inbox>, with
the file's path in ctx.params.file, once the file has stopped growing. Afterwards the file moves
to done/ (completed) or failed/ beside the inbox; files waiting at start are processed.

Options:
      --dir <path>           the inbox
      --pattern <glob>       which file names to take, e.g. "*.csv" or "*.{csv,tsv}" (default *)
      --done-dir <path>      where files go after a completed run (default: done beside the inbox)
      --failed-dir <path>    where files go after a failed run (default: failed beside the inbox)
      --poll <duration>      how often the inbox is looked at (default 1s)
      --settle <duration>    how long a file must stay unchanged to count as complete (default 2s)
      --history <path>       append each run as one JSON line
      --grace <duration>     on SIGTERM or Ctrl-C, how long a run may finish before it is aborted (default 30s)
  -p, --param key=value      a parameter for ctx.params (repeatable)
      --env-file <path>      load environment variables from a .env file (its values are never printed)
  -h, --help                 show this help

Exits 0 after SIGTERM once the run in progress has stopped (an aborted run's file stays in the
inbox for the next start), 130 after Ctrl-C, 2 on a usage or configuration error.
`

const OPTIONS = {
  ...PIPELINE_OPTIONS,
  dir: { type: 'string' },
  pattern: { type: 'string' },
  'done-dir': { type: 'string' },
  'failed-dir': { type: 'string' },
  poll: { type: 'string' },
  settle: { type: 'string' },
  history: { type: 'string' },
  grace: { type: 'string' },
} as const

/** Runs `powerflow watch …`; resolves to the exit code once stopped. @internal */
export async function watchCommand(args: readonly string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true })
  } catch (error) {
    throw usageErrorOf('watch', error, OPTIONS)
  }
  const { values, positionals } = parsed
  if (values.help === true) {
    process.stdout.write(WATCH_HELP)
    return 0
  }
  const file = pipelineFile('watch', positionals)
  if (values.dir === undefined)
    throw new UsageError('powerflow watch needs --dir, the folder files arrive in')
  const pollMs = parseDuration('poll', values.poll, 1_000)
  const settleMs = parseDuration('settle', values.settle, 2_000)
  const graceMs = parseDuration('grace', values.grace, 30_000)
  const params = parseParams(values.param)
  const envFile = loadEnvFile(values['env-file'])
  const redact = outputRedaction(envFile, params)
  redactOutput(redact)
  const pipeline = await loadPipeline(file)
  const history = values.history

  let job
  try {
    job = watchFolder(pipeline, {
      dir: values.dir,
      pollMs,
      settleMs,
      params,
      logger: consoleLogger(pipeline.name, true),
      ...(values.pattern === undefined ? {} : { pattern: values.pattern }),
      ...(values['done-dir'] === undefined ? {} : { doneDir: values['done-dir'] }),
      ...(values['failed-dir'] === undefined ? {} : { failedDir: values['failed-dir'] }),
      onRun: (entry: RunHistoryEntry) => {
        if (history !== undefined) appendFileSync(history, redact(`${JSON.stringify(entry)}\n`))
      },
    })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const running = job
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    onShutdown((received) => {
      process.stderr.write(`${received}: stopping the watcher\n`)
      resolve(received)
    })
  })
  await running.stop({ graceMs })
  return signal === 'SIGINT' ? 130 : 0
}
