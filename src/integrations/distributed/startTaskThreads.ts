import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { prepareJob } from './internal/compileJob.js'
import { TaskThread, ThreadPool } from './internal/threadPool.js'

/**
 * Options of {@link startTaskThreads}.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface TaskThreadsOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly threads?: number
}

/**
 * Worker threads that have loaded a job module, ready to run the tasks of one job after another
 * with {@link runTasks}.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface TaskThreads {
  /** How many threads there are. */
  readonly size: number
  /** Time spent compiling a TypeScript job module once, in ms (0 for JavaScript). */
  readonly compileMs: number
  /** Time the slowest thread took to start and load the job module, in ms. */
  readonly startMs: number
  /** Ends the threads (a task still running fails) and removes the compiled module. */
  close(): Promise<void>
}

/** A module path or URL as a URL string. @internal */
export function moduleUrl(job: string | URL): string {
  if (job instanceof URL) return job.href
  return /^[a-z]+:/i.test(job) && !/^[a-z]:[\\/]/i.test(job)
    ? job
    : pathToFileURL(resolve(job)).href
}

/**
 * Starts worker threads for a job module (a path or URL exporting `build`, a {@link TaskBuild})
 * and resolves once every thread has loaded it. Pass the threads to {@link runTasks} instead of
 * the module to run several jobs without starting threads again; close them when done.
 *
 * A TypeScript module is compiled once, here, with esbuild (an optional peer dependency, also
 * installed with tsx) into a JavaScript file beside it, removed on `close()`; every thread then
 * loads plain JavaScript. Without esbuild each thread loads the module through tsx, which takes
 * longer. A module that cannot be loaded does not reject here: each task given to the threads
 * fails with the reason.
 *
 * @example
 * ```ts
 * // @snippet compile-only (the job module imports the installed powerflow-etl)
 * import { runTasks, splitFile, splitFiles, startTaskThreads } from 'powerflow-etl/distributed'
 *
 * const threads = await startTaskThreads('./jobs/clean-deals.ts', { threads: 2 })
 * try {
 *   console.log(`compiled in ${threads.compileMs} ms, started in ${threads.startMs} ms`)
 *   await runTasks(await splitFile('deals.csv', { parts: 8 }), threads, { output: 'deals-clean.csv' })
 *   await runTasks(await splitFiles('exports/*.csv'), threads, { output: 'exports-clean.csv' })
 * } finally {
 *   await threads.close()
 * }
 * ```
 *
 * @param job - a module exporting `build`, as a path or URL
 * @param options - how many threads; see {@link TaskThreadsOptions}
 * @returns the started threads
 * @see runTasks
 * @category distributed
 * @since 0.2.0
 */
export async function startTaskThreads(
  job: string | URL,
  options: TaskThreadsOptions = {},
): Promise<TaskThreads> {
  const count = options.threads ?? availableParallelism()
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`startTaskThreads: threads must be a positive integer, not ${count}`)
  const prepared = await prepareJob(moduleUrl(job))
  const threads = Array.from(
    { length: count },
    (_, index) =>
      new TaskThread(`thread-${index + 1}`, {
        job: prepared.url,
        worker: `thread-${index + 1}`,
        ...(prepared.tsx === undefined ? {} : { tsx: prepared.tsx }),
      }),
  )
  const started = await Promise.all(threads.map((thread) => thread.ready))
  return new ThreadPool(threads, prepared, prepared.compileMs, Math.max(...started))
}
