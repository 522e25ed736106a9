/**
 * `powerflow worker <job-file>`: a worker of a NATS JetStream job — pulls the job's tasks one at
 * a time and runs each with the pipeline the file exports as `build`, until the job is over.
 *
 * @internal
 * @packageDocumentation
 */
import { hostname } from 'node:os'
import { parseDuration, pipelineFile, UsageError } from './arguments.js'
import { parseCommandArgs } from './commandSetup.js'
import { onShutdown, signalExitCode } from './console.js'
import { loadEnvFile, outputRedaction, redactOutput } from './environment.js'
import { importUserModule } from './loadPipeline.js'

/** @internal */
export const WORKER_HELP = `Usage: powerflow worker <job-file> --job <name> [options]

Runs the tasks of a job over NATS JetStream, one at a time, until the job is over. The job is
enqueued by its coordinator (powerflow coordinate, or coordinate() in code); start as many
workers as you like, on as many machines as reach NATS and the job's files, before or after
the coordinator. <job-file> exports build(task, context): the pipeline of one task, whose file
sink writes to context.output (see docs/scaling-out.md).

Options:
      --job <name>           the job's name, as given to the coordinator (letters, digits, _ and -)
      --nats <url>           a NATS server with JetStream (repeatable; default $NATS_URL,
                             else nats://127.0.0.1:4222)
      --name <worker>        this worker's name in reports (default <host>-<pid>)
      --heartbeat <time>     how often a running task tells NATS it is alive (default: a third
                             of the job's ack wait)
      --poll <time>          wait between looks for the job and between empty pulls (default 1s)
      --wait-for-job <time>  give up when the job has not appeared by then (exit 1; default:
                             wait for ever — a job already over looks like one not started yet)
      --retry-delay <time>   delay before a failed task is offered again (default 1s)
      --env-file <path>      load environment variables from a .env file (its values are never printed)
  -q, --quiet                no lines of its own (ready, and the summary at the end)
  -h, --help                 show this help

Exit codes: 0 the job is over, 1 NATS unreachable or another fault, 2 usage or configuration
error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). On a signal the task in hand is
stopped and not acknowledged, so NATS gives it to another worker.
`

const OPTIONS = {
  job: { type: 'string' },
  nats: { type: 'string', multiple: true },
  name: { type: 'string' },
  heartbeat: { type: 'string' },
  poll: { type: 'string' },
  'wait-for-job': { type: 'string' },
  'retry-delay': { type: 'string' },
  'env-file': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The NATS servers of `--nats`, else `$NATS_URL`, else the local default. @internal */
export function natsServers(values: readonly string[] | undefined): string[] {
  if (values !== undefined && values.length > 0) return [...values]
  const fromEnvironment = process.env['NATS_URL']
  return [
    fromEnvironment !== undefined && fromEnvironment !== ''
      ? fromEnvironment
      : 'nats://127.0.0.1:4222',
  ]
}

/** `--job`, required. @internal */
export function jobName(command: string, value: string | undefined): string {
  if (value === undefined || value === '')
    throw new UsageError(`powerflow ${command} needs --job <name>; see powerflow ${command} --help`)
  if (!/^[A-Za-z0-9_-]+$/.test(value))
    throw new UsageError(`--job ${JSON.stringify(value)}: use letters, digits, _ and - only`)
  return value
}

/** Runs `powerflow worker …`; resolves to the exit code. @internal */
export async function workerCommand(args: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs('worker', args, OPTIONS, WORKER_HELP)
  if (parsed === undefined) return 0
  const { values, positionals } = parsed
  const file = pipelineFile('worker', positionals)
  const job = jobName('worker', values.job)
  const heartbeatMs = parseDuration('heartbeat', values.heartbeat, -1)
  const pollMs = parseDuration('poll', values.poll, 1_000)
  const waitForJobMs = parseDuration('wait-for-job', values['wait-for-job'], -1)
  const retryDelayMs = parseDuration('retry-delay', values['retry-delay'], 1_000)
  redactOutput(outputRedaction(loadEnvFile(values['env-file']), {}))
  const loaded = await importUserModule(file, 'job')
  const build = loaded['build']
  if (typeof build !== 'function')
    throw new UsageError(
      `${file} does not export a build function: write export const build = (task, context) => pipe(…)`,
    )
  const { work } = await import('../integrations/distributed/work.js')
  const controller = new AbortController()
  const interrupted = onShutdown((signal) => {
    process.stderr.write(
      `\n${signal}: stopping the worker; its task in hand goes to another worker\n`,
    )
    controller.abort(new Error(`interrupted by ${signal}`))
  })
  const name = values.name ?? `${hostname()}-${process.pid}`
  if (values.quiet !== true) process.stdout.write(`worker ${name} ready for job ${job}\n`)
  const summary = await work({
    nats: natsServers(values.nats),
    job,
    build: build as Parameters<typeof work>[0]['build'],
    name,
    ...(heartbeatMs < 0 ? {} : { heartbeatMs }),
    pollMs,
    ...(waitForJobMs < 0 ? {} : { waitForJobMs }),
    retryDelayMs,
    signal: controller.signal,
  })
  if (values.quiet !== true)
    process.stdout.write(
      `worker ${summary.worker} (job ${job}): ${summary.completed} tasks completed, ${summary.failed} runs failed\n`,
    )
  return signalExitCode(interrupted())
}
