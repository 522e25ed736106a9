import { mkdir, rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { basename, resolve } from 'node:path'
import type { RunReport } from '../../core/RunReport.js'
import { mergeReports } from './internal/mergeReports.js'
import { PartJoiner, partPath, partsFolder } from './internal/partFiles.js'
import { ThreadPool, type TaskThread } from './internal/threadPool.js'
import type { JobReport, TaskOutcome } from './JobReport.js'
import { startTaskThreads, type TaskThreads } from './startTaskThreads.js'
import type { Task } from './Task.js'

/**
 * Options of {@link runTasks}.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface RunTasksOptions {
  /** The job's output file: the task part files joined in task order. */
  readonly output: string
  /**
   * Worker threads started for this job (default: the machine's available parallelism), at most
   * one per task. Ignored when the job is given as {@link TaskThreads} started beforehand.
   */
  readonly threads?: number
  /**
   * Whether the parts are CSV files that each start with the same header row, kept once in the
   * output (default: when `output` ends in `.csv`). Otherwise parts are joined as they are (NDJSON).
   */
  readonly csvHeader?: boolean
  /** The CSV delimiter of the parts (default `,`). */
  readonly delimiter?: string
  /** The job's name in its report (default `runTasks <output file name>`). */
  readonly name?: string
  /** Stops the job: threads are ended and nothing is committed. */
  readonly signal?: AbortSignal
}

function checkIds(tasks: readonly Task[], name: string): void {
  const seen = new Set<string>()
  for (const task of tasks) {
    if (typeof task.id !== 'string' || task.id === '' || /[\\/]/.test(task.id))
      throw new TypeError(`${name}: task id ${JSON.stringify(task.id)} must be a non-empty name`)
    if (seen.has(task.id)) throw new TypeError(`${name}: task id ${task.id} is not unique`)
    seen.add(task.id)
  }
}

/**
 * Runs every task of a job with the same pipeline on the worker threads of this machine — the
 * embedded way to scale out, no broker: one large CSV split by `splitFile` keeps every core busy.
 * `job` is a module (a path or URL) exporting `build`, a {@link TaskBuild}: the threads are
 * started once for the job, each loads the module once (a TypeScript module is compiled once
 * first, see {@link startTaskThreads}) and runs the tasks it is given, one at a time, each writing
 * its own part file (`context.output`). Pass {@link TaskThreads} started beforehand instead to
 * run several jobs on the same threads; the report's `startup` tells the time spent compiling
 * the module and starting the threads, apart from the tasks. The parts are joined in task order
 * (a CSV header row kept once) as they complete, into a temporary file that becomes `output` once
 * every task has settled, atomically: the output equals a single-process run's.
 *
 * Resolves to one {@link JobReport}: the sum of the task reports, per task and per thread. A task
 * whose pipeline rejects or reports `failed`, or whose thread dies, fails the job: its status is
 * `failed`, the task is named in its failures (`TaskError`) and `deadLettered`, and nothing is
 * committed (the part files stay for a look). On abort, threads are ended and the job is
 * `aborted`. Rejects at once on duplicate task ids, and when the given threads run another job.
 *
 * @example
 * ```ts
 * // @snippet compile-only (the job module imports the installed powerflow-etl)
 * import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { runTasks, splitFile } from 'powerflow-etl/distributed'
 *
 * const folder = mkdtempSync(join(tmpdir(), 'run-tasks-'))
 * const input = join(folder, 'deals.csv')
 * writeFileSync(input, 'id,amount\n1,10\n2,250\n3,"1,000"\n4,75\n')
 * const job = join(folder, 'job.mjs')
 * writeFileSync(
 *   job,
 *   `import { pipe, fromCsv, toCsv } from 'powerflow-etl'
 *    export const build = (task, context) =>
 *      pipe(fromCsv(task.path, { range: task }), toCsv(context.output, { signal: context.signal }))`,
 * )
 * const tasks = await splitFile(input, { parts: 2 })
 * const report = await runTasks(tasks, job, { output: join(folder, 'out.csv'), threads: 2 })
 * console.assert(report.status === 'completed' && report.written === 4)
 * console.assert(readFileSync(join(folder, 'out.csv'), 'utf8') === 'id,amount\n1,10\n2,250\n3,"1,000"\n4,75\n')
 * ```
 *
 * @param tasks - the job's tasks, in output order
 * @param job - a module exporting `build`, as a path or URL, or threads from {@link startTaskThreads}
 * @param options - output, threads; see {@link RunTasksOptions}
 * @returns the merged report of the job
 * @category distributed
 * @since 0.2.0
 */
export async function runTasks<T extends Task>(
  tasks: readonly T[],
  job: string | URL | TaskThreads,
  options: RunTasksOptions,
): Promise<JobReport> {
  const name = options.name ?? `runTasks ${basename(options.output)}`
  checkIds(tasks, name)
  const startedAt = new Date()
  const output = resolve(options.output)
  const given = threadsOf(job, name)
  // Claimed before the first await, so that of two jobs given the same threads, the first called
  // is the one that runs.
  const release = given?.claim(name)
  const own = given === undefined && tasks.length > 0 && options.signal?.aborted !== true
  let threads: ThreadPool | undefined = given
  let outcomes: TaskOutcome[]
  // The parts are joined in order while later tasks still run.
  const joiner = new PartJoiner(
    tasks.map((task) => partPath(output, task.id)),
    output,
    { csvHeader: options.csvHeader ?? /\.csv$/i.test(output), delimiter: options.delimiter ?? ',' },
  )
  try {
    await mkdir(partsFolder(output), { recursive: true })
    if (own) threads = await startOwn(job as string | URL, tasks, options)
    outcomes = await runOnThreads(tasks, threads, output, options.signal, (index) =>
      joiner.completed(index),
    )
  } catch (error) {
    await joiner.discard()
    throw error
  } finally {
    release?.()
    if (own) await threads?.close()
  }
  const settled = outcomes.every((outcome) => outcome.status === 'completed')
  if (settled) {
    await joiner.commit()
    await rm(partsFolder(output), { recursive: true, force: true })
  } else await joiner.discard()
  const report = mergeReports({
    name,
    outcomes,
    startedAt,
    redeliveries: 0,
    deadLettered: outcomes.filter((outcome) => outcome.status === 'failed').map(({ id }) => id),
    output: settled ? output : undefined,
  })
  return threads === undefined
    ? report
    : { ...report, startup: { compileMs: threads.compileMs, threadStartMs: threads.startMs } }
}

function threadsOf(job: string | URL | TaskThreads, name: string): ThreadPool | undefined {
  if (job instanceof ThreadPool) return job
  if (typeof job === 'string' || job instanceof URL) return undefined
  throw new TypeError(
    `${name}: job must be a module's path or URL, or threads from startTaskThreads`,
  )
}

async function startOwn(
  job: string | URL,
  tasks: readonly Task[],
  options: RunTasksOptions,
): Promise<ThreadPool> {
  const count = Math.max(1, Math.min(options.threads ?? availableParallelism(), tasks.length))
  return (await startTaskThreads(job, { threads: count })) as ThreadPool
}

/** Hands the tasks out to the threads, one at a time each; resolves with every outcome. */
async function runOnThreads(
  tasks: readonly Task[],
  pool: ThreadPool | undefined,
  output: string,
  signal: AbortSignal | undefined,
  onCompleted: (index: number) => void,
): Promise<TaskOutcome[]> {
  const outcomes: Array<TaskOutcome | undefined> = tasks.map(() => undefined)
  if (pool !== undefined && signal?.aborted !== true) {
    // Ending the threads fails the tasks they run, which end as aborted.
    const abort = (): void => void Promise.all(pool.threads.map((thread) => thread.stop()))
    signal?.addEventListener('abort', abort, { once: true })
    let next = 0
    try {
      await Promise.all(
        pool.threads.map(async (thread) => {
          while (next < tasks.length && signal?.aborted !== true) {
            const index = next++
            const outcome = await runOne(thread, tasks[index] as Task, output, signal)
            outcomes[index] = outcome
            if (outcome.status === 'completed') onCompleted(index)
          }
        }),
      )
    } finally {
      signal?.removeEventListener('abort', abort)
    }
  }
  return tasks.map(
    (task, index) =>
      outcomes[index] ?? { id: task.id, worker: 'none', status: 'aborted', deliveries: 0 },
  )
}

async function runOne(
  thread: TaskThread,
  task: Task,
  output: string,
  signal: AbortSignal | undefined,
): Promise<TaskOutcome> {
  const worker = thread.name
  try {
    const answer = await thread.run({ task, output: partPath(output, task.id) })
    if ('error' in answer)
      return { id: task.id, worker, status: 'failed', deliveries: 1, error: answer.error }
    const report = answer.report as RunReport
    return { id: task.id, worker, status: report.status, deliveries: 1, report }
  } catch (error) {
    if (signal?.aborted === true) return { id: task.id, worker, status: 'aborted', deliveries: 1 }
    const reason = error instanceof Error ? error.message : String(error)
    return { id: task.id, worker, status: 'failed', deliveries: 1, error: reason }
  }
}
