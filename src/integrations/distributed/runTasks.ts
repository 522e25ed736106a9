import { mkdir, rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { basename, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Worker } from 'node:worker_threads'
import type { RunReport } from '../../core/RunReport.js'
import { mergeReports } from './internal/mergeReports.js'
import { joinParts, partPath, partsFolder } from './internal/partFiles.js'
import type { ThreadAnswer, ThreadRequest } from './internal/taskThread.js'
import { startTaskThread } from './internal/threadPool.js'
import type { JobReport, TaskOutcome } from './JobReport.js'
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
  /** Worker threads (default: the machine's available parallelism), at most one per task. */
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

function moduleUrl(job: string | URL): string {
  if (job instanceof URL) return job.href
  return /^[a-z]+:/i.test(job) && !/^[a-z]:[\\/]/i.test(job)
    ? job
    : pathToFileURL(resolve(job)).href
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
 * `job` is a module (a path or URL) exporting `build`, a {@link TaskBuild}: each thread loads it
 * and runs the tasks it is given, one at a time, each writing its own part file
 * (`context.output`). Once every task has settled, the parts are joined in task order (a CSV
 * header row kept once) into `output`, atomically: the output equals a single-process run's.
 *
 * Resolves to one {@link JobReport}: the sum of the task reports, per task and per thread. A task
 * whose pipeline rejects or reports `failed`, or whose thread dies, fails the job: its status is
 * `failed`, the task is named in its failures (`TaskError`) and `deadLettered`, and nothing is
 * committed (the part files stay for a look). On abort, threads are ended and the job is
 * `aborted`. Rejects at once on duplicate task ids.
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
 * @param job - a module exporting `build`, as a path or URL
 * @param options - output, threads; see {@link RunTasksOptions}
 * @returns the merged report of the job
 * @category distributed
 * @since 0.2.0
 */
export async function runTasks<T extends Task>(
  tasks: readonly T[],
  job: string | URL,
  options: RunTasksOptions,
): Promise<JobReport> {
  const name = options.name ?? `runTasks ${basename(options.output)}`
  checkIds(tasks, name)
  const startedAt = new Date()
  const output = resolve(options.output)
  await mkdir(partsFolder(output), { recursive: true })
  const outcomes = await runOnThreads(tasks, moduleUrl(job), output, options)
  const settled = outcomes.every((outcome) => outcome.status === 'completed')
  if (settled) {
    await joinParts(
      tasks.map((task) => partPath(output, task.id)),
      output,
      {
        csvHeader: options.csvHeader ?? /\.csv$/i.test(output),
        delimiter: options.delimiter ?? ',',
      },
    )
    await rm(partsFolder(output), { recursive: true, force: true })
  }
  return mergeReports({
    name,
    outcomes,
    startedAt,
    redeliveries: 0,
    deadLettered: outcomes.filter((outcome) => outcome.status === 'failed').map(({ id }) => id),
    output: settled ? output : undefined,
  })
}

/** Hands the tasks out to the threads, one at a time each; resolves with every outcome. */
function runOnThreads(
  tasks: readonly Task[],
  job: string,
  output: string,
  options: RunTasksOptions,
): Promise<TaskOutcome[]> {
  const outcomes: Array<TaskOutcome | undefined> = tasks.map(() => undefined)
  const count = Math.max(1, Math.min(options.threads ?? availableParallelism(), tasks.length))
  const threads = new Set<Worker>()
  let next = 0
  let settledCount = 0
  return new Promise((resolveAll) => {
    const finish = (): void => {
      for (const thread of threads) void thread.terminate()
      threads.clear()
      options.signal?.removeEventListener('abort', abort)
      resolveAll(outcomes as TaskOutcome[])
    }
    const settle = (index: number, outcome: TaskOutcome): void => {
      if (outcomes[index] !== undefined) return
      outcomes[index] = outcome
      if (++settledCount === tasks.length) finish()
    }
    const abort = (): void => {
      tasks.forEach((task, index) =>
        settle(index, { id: task.id, worker: 'none', status: 'aborted', deliveries: 0 }),
      )
    }
    const startThread = (number: number): void => {
      if (next >= tasks.length) return
      const worker = `thread-${number}`
      const thread = startTaskThread(job, worker)
      threads.add(thread)
      let current = -1
      const give = (): void => {
        if (next >= tasks.length) {
          threads.delete(thread)
          void thread.terminate()
          return
        }
        current = next++
        const task = tasks[current] as Task
        const request: ThreadRequest = { task, output: partPath(output, task.id) }
        thread.postMessage(request)
      }
      thread.on('message', (answer: ThreadAnswer) => {
        const task = tasks[current] as Task
        if ('error' in answer)
          settle(current, {
            id: task.id,
            worker,
            status: 'failed',
            deliveries: 1,
            error: answer.error,
          })
        else {
          const report = answer.report as RunReport
          settle(current, { id: task.id, worker, status: report.status, deliveries: 1, report })
        }
        give()
      })
      const died = (reason: string): void => {
        if (!threads.delete(thread)) return
        if (current >= 0 && outcomes[current] === undefined) {
          const task = tasks[current] as Task
          settle(current, { id: task.id, worker, status: 'failed', deliveries: 1, error: reason })
        }
        startThread(number)
      }
      thread.on('error', (error) => died(`${worker} failed: ${error.message}`))
      thread.on('exit', (code) => died(`${worker} exited with code ${code}`))
      give()
    }
    if (tasks.length === 0) return finish()
    if (options.signal?.aborted === true) return abort()
    options.signal?.addEventListener('abort', abort, { once: true })
    for (let number = 1; number <= count; number++) startThread(number)
  })
}
