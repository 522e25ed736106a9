/**
 * `powerflow watch <file> --dir inbox/`: runs a pipeline once per file that arrives.
 *
 * @internal
 * @packageDocumentation
 */
import { watchFolder } from '../pipelines/watchFolder.js'
import { parseDuration, pipelineFile, PIPELINE_OPTIONS, UsageError } from './arguments.js'
import {
  historyAppender,
  parseCommandArgs,
  preparePipeline,
  startJob,
  untilShutdown,
} from './commandSetup.js'
import { consoleLogger } from './console.js'

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
  const parsed = parseCommandArgs('watch', args, OPTIONS, WATCH_HELP)
  if (parsed === undefined) return 0
  const { values, positionals } = parsed
  const file = pipelineFile('watch', positionals)
  const dir = values.dir
  if (dir === undefined)
    throw new UsageError('powerflow watch needs --dir, the folder files arrive in')
  const pollMs = parseDuration('poll', values.poll, 1_000)
  const settleMs = parseDuration('settle', values.settle, 2_000)
  const graceMs = parseDuration('grace', values.grace, 30_000)
  const { pipeline, params, redact } = await preparePipeline(file, values)

  const job = startJob(() =>
    watchFolder(pipeline, {
      dir,
      pollMs,
      settleMs,
      params,
      logger: consoleLogger(pipeline.name, true),
      ...(values.pattern === undefined ? {} : { pattern: values.pattern }),
      ...(values['done-dir'] === undefined ? {} : { doneDir: values['done-dir'] }),
      ...(values['failed-dir'] === undefined ? {} : { failedDir: values['failed-dir'] }),
      onRun: historyAppender(values.history, redact),
    }),
  )
  const signal = await untilShutdown((received) => `${received}: stopping the watcher\n`)
  await job.stop({ graceMs })
  return signal === 'SIGINT' ? 130 : 0
}
