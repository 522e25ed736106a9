/**
 * `powerflow schedule <file> --cron "…"`: runs a pipeline on a schedule until stopped.
 *
 * @internal
 * @packageDocumentation
 */
import { appendFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { schedule } from '../pipelines/schedule.js'
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
  let parsed
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true })
  } catch (error) {
    throw usageErrorOf('schedule', error, OPTIONS)
  }
  const { values, positionals } = parsed
  if (values.help === true) {
    process.stdout.write(SCHEDULE_HELP)
    return 0
  }
  const file = pipelineFile('schedule', positionals)
  if (values.cron === undefined)
    throw new UsageError('powerflow schedule needs --cron, e.g. --cron "*/15 * * * *"')
  const overlap = values.overlap ?? 'skip'
  if (overlap !== 'skip' && overlap !== 'queue' && overlap !== 'allow')
    throw new UsageError(`--overlap must be skip, queue or allow, got "${overlap}"`)
  const graceMs = parseDuration('grace', values.grace, 30_000)
  const params = parseParams(values.param)
  const envFile = loadEnvFile(values['env-file'])
  const redact = outputRedaction(envFile, params)
  redactOutput(redact)
  const pipeline = await loadPipeline(file)
  const history = values.history

  let job
  try {
    job = schedule(pipeline, {
      cron: values.cron,
      overlap,
      params,
      logger: consoleLogger(pipeline.name, true),
      ...(values.timezone === undefined ? {} : { timezone: values.timezone }),
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
      process.stderr.write(
        `${received}: stopping the schedule${running.running ? `; the run in progress has ${graceMs} ms to finish` : ''}\n`,
      )
      resolve(received)
    })
  })
  await running.stop({ graceMs })
  return signal === 'SIGINT' ? 130 : 0
}
