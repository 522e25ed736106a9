/**
 * `powerflow schedule <file> --cron "…"`: runs a pipeline on a schedule until stopped.
 *
 * @internal
 * @packageDocumentation
 */
import { schedule } from '../pipelines/schedule.js'
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
export const SCHEDULE_HELP = `Usage: powerflow schedule <file> --cron "<expression>" [options]

Runs the pipeline that <file> exports by default on a cron schedule, until stopped.

Options:
      --cron <expression>   when to run: "*/15 * * * *" (minutes) or "*/5 * * * * *" (seconds first)
      --timezone <zone>     the IANA time zone of the expression (default: the system's), e.g. Europe/Berlin
      --overlap <mode>      a run due while one is going: skip (default), queue, or allow
      --history <path>      append each run as one JSON line (name, status, counts, duration, failures)
      --grace <duration>    on SIGTERM or Ctrl-C, how long a run may finish before it is aborted (default 30s)
  -p, --param key=value     a parameter for ctx.params (repeatable)
      --env-file <path>     load environment variables from a .env file (its values are never printed)
  -h, --help                show this help

Each run's one-line summary and the next run time are printed. Exits 0 after SIGTERM once the
runs have stopped, 130 after Ctrl-C, 2 on a usage or configuration error.
`

const OPTIONS = {
  ...PIPELINE_OPTIONS,
  cron: { type: 'string' },
  timezone: { type: 'string' },
  overlap: { type: 'string' },
  history: { type: 'string' },
  grace: { type: 'string' },
} as const

/** Runs `powerflow schedule …`; resolves to the exit code once stopped. @internal */
export async function scheduleCommand(args: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs('schedule', args, OPTIONS, SCHEDULE_HELP)
  if (parsed === undefined) return 0
  const { values, positionals } = parsed
  const file = pipelineFile('schedule', positionals)
  const cron = values.cron
  if (cron === undefined)
    throw new UsageError('powerflow schedule needs --cron, e.g. --cron "*/15 * * * *"')
  const overlap = values.overlap ?? 'skip'
  if (overlap !== 'skip' && overlap !== 'queue' && overlap !== 'allow')
    throw new UsageError(`--overlap must be skip, queue or allow, got "${overlap}"`)
  const graceMs = parseDuration('grace', values.grace, 30_000)
  const { pipeline, params, redact } = await preparePipeline(file, values)

  const job = startJob(() =>
    schedule(pipeline, {
      cron,
      overlap,
      params,
      logger: consoleLogger(pipeline.name, true),
      ...(values.timezone === undefined ? {} : { timezone: values.timezone }),
      onRun: historyAppender(values.history, redact),
    }),
  )
  const signal = await untilShutdown(
    (received) =>
      `${received}: stopping the schedule${job.running ? `; the run in progress has ${graceMs} ms to finish` : ''}\n`,
  )
  await job.stop({ graceMs })
  return signal === 'SIGINT' ? 130 : 0
}
