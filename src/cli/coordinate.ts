/**
 * `powerflow coordinate`: enqueues a job's tasks on NATS JetStream, waits for the workers
 * (`powerflow worker`) to run them all, and commits the output.
 *
 * @internal
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises'
import { parseDuration, UsageError } from './arguments.js'
import { parseCommandArgs } from './commandSetup.js'
import { onShutdown, reportJson, reportText, writeAtomically } from './console.js'
import { jobName, natsServers } from './worker.js'

/** @internal */
export const COORDINATE_HELP = `Usage: powerflow coordinate --job <name> --output <file> <tasks> [options]

Runs a job on the workers that serve it (powerflow worker <job-file> --job <name>, anywhere that
reaches the same NATS JetStream and the job's files): enqueues its tasks — small descriptors,
never records — waits until every task has run or is dead-lettered, then commits the output: the
tasks' part files joined in task order, equal to one process's output, with a manifest beside it.

Tasks (one of):
      --files <glob>         one task per file matching the glob, such as "exports/*.csv"
      --split <file>         byte ranges of one large CSV or NDJSON file, on record boundaries
      --parts <n>            how many ranges --split makes (default 8)
      --tasks <file.json>    a JSON array of task objects, each with a unique "id" and a "kind"

Options:
      --job <name>           the job's name, shared with its workers (letters, digits, _ and -)
      --output <file>        the job's output file; part files go beside it
      --nats <url>           a NATS server with JetStream (repeatable; default $NATS_URL,
                             else nats://127.0.0.1:4222)
      --max-deliver <n>      runs of a task before it goes to the dead-letter subject (default 3)
      --ack-wait <time>      how long a worker may hold a task without a heartbeat (default 30s)
      --keep-streams         keep the job's NATS streams afterwards (default: deleted)
      --report <path>        write the job report as JSON to <path>
  -q, --quiet                no summary table
  -h, --help                 show this help

Exit codes: 0 completed, 1 failed (a task dead-lettered: named on stderr; the other tasks' parts
stay committed and listed in the manifest), 2 usage or configuration error, 130 interrupted
(Ctrl-C: nothing is committed, the streams are kept, and a coordinator started again with the
same --job picks up where this one stopped).
`

const OPTIONS = {
  job: { type: 'string' },
  output: { type: 'string' },
  files: { type: 'string' },
  split: { type: 'string' },
  parts: { type: 'string' },
  tasks: { type: 'string' },
  nats: { type: 'string', multiple: true },
  'max-deliver': { type: 'string' },
  'ack-wait': { type: 'string' },
  'keep-streams': { type: 'boolean' },
  report: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--${flag} expects a positive whole number, got "${value}"`)
  return number
}

interface TaskSource {
  readonly files?: string | undefined
  readonly split?: string | undefined
  readonly parts?: string | undefined
  readonly tasks?: string | undefined
}

/** The tasks that `--files`, `--split` or `--tasks` describe. */
async function tasksOf(values: TaskSource): Promise<ReadonlyArray<{ id: string; kind: string }>> {
  const given = (['files', 'split', 'tasks'] as const).filter((flag) => values[flag] !== undefined)
  if (given.length !== 1)
    throw new UsageError(
      given.length === 0
        ? 'powerflow coordinate needs its tasks: --files <glob>, --split <file> or --tasks <file.json>; see powerflow coordinate --help'
        : `--${given.join(' and --')} exclude each other: give one source of tasks`,
    )
  if (values.parts !== undefined && values.split === undefined)
    throw new UsageError('--parts goes with --split <file>')
  const distributed = await import('../integrations/distributed/index.js')
  if (values.files !== undefined) {
    const tasks = await distributed.splitFiles(values.files)
    if (tasks.length === 0) throw new UsageError(`--files ${values.files} matches no file`)
    return tasks
  }
  if (values.split !== undefined)
    return distributed.splitFile(values.split, {
      parts: positiveInteger('parts', values.parts, 8),
    })
  const path = values.tasks as string
  let tasks: unknown
  try {
    tasks = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new UsageError(
      `--tasks ${path}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (
    !Array.isArray(tasks) ||
    tasks.some((task) => typeof (task as { id?: unknown })?.id !== 'string')
  )
    throw new UsageError(`--tasks ${path} must hold a JSON array of objects with a string "id"`)
  return tasks as Array<{ id: string; kind: string }>
}

/** Runs `powerflow coordinate …`; resolves to the exit code. @internal */
export async function coordinateCommand(args: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs('coordinate', args, OPTIONS, COORDINATE_HELP)
  if (parsed === undefined) return 0
  const { values, positionals } = parsed
  if (positionals.length > 0)
    throw new UsageError(
      `powerflow coordinate takes no file argument (got ${positionals.join(' ')}); the tasks come from --files, --split or --tasks`,
    )
  const job = jobName('coordinate', values.job)
  if (values.output === undefined)
    throw new UsageError(
      'powerflow coordinate needs --output <file>; see powerflow coordinate --help',
    )
  const maxDeliver = positiveInteger('max-deliver', values['max-deliver'], 3)
  const ackWaitMs = parseDuration('ack-wait', values['ack-wait'], 30_000)
  const tasks = await tasksOf(values)
  const { coordinate } = await import('../integrations/distributed/coordinate.js')
  const controller = new AbortController()
  const interrupted = onShutdown((signal) => {
    process.stderr.write(
      `\n${signal}: stopping; nothing is committed and the job's streams are kept for a restart\n`,
    )
    controller.abort(new Error(`interrupted by ${signal}`))
  })
  const report = await coordinate({
    nats: natsServers(values.nats),
    job,
    tasks,
    output: values.output,
    maxDeliver,
    ackWaitMs,
    keepStreams: values['keep-streams'] === true,
    signal: controller.signal,
  })
  if (values.quiet !== true) {
    process.stdout.write(reportText(report))
    const workers = Object.entries(report.workers)
      .map(([name, totals]) => `${name} ${totals.tasks}`)
      .join(', ')
    process.stdout.write(
      `job ${job}: ${report.status}, ${tasks.length} tasks (by worker: ${workers || 'none'}), ` +
        `${report.redeliveries} redeliveries${report.output === undefined ? '' : `, output ${report.output}`}\n`,
    )
  }
  if (report.deadLettered.length > 0)
    process.stderr.write(
      `powerflow coordinate: job ${job} failed: dead-lettered ${report.deadLettered.join(', ')}\n`,
    )
  if (values.report !== undefined)
    await writeAtomically(
      values.report,
      reportJson(report, (text) => text),
    )
  const signal = interrupted()
  if (report.status === 'completed') return 0
  if (report.status === 'aborted' && signal !== undefined) return signal === 'SIGINT' ? 130 : 143
  return 1
}
