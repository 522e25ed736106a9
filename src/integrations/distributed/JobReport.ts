import type { RunReport, RunStatus } from '../../core/RunReport.js'

/**
 * How one task of a job ended: its run's report, or why it did not run to its end.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface TaskOutcome {
  readonly id: string
  /** The worker that ran it last: `thread-1`, or a NATS worker's name. */
  readonly worker: string
  readonly status: RunStatus
  /** Times the task was handed to a worker: 1, more after redeliveries. */
  readonly deliveries: number
  /** The report of the task's run, when it settled. */
  readonly report?: RunReport
  /** Why the task failed without a report (its pipeline threw, its worker died). */
  readonly error?: string
}

/**
 * A worker's share of a job: the sums of the reports of the tasks it ran.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface WorkerTotals {
  readonly tasks: number
  readonly read: number
  readonly written: number
  readonly dropped: number
  readonly failed: number
  readonly created: number
  readonly merged: number
}

/**
 * The report of a job run as tasks: the sums of the task reports, adding up like a single run's
 * (`read + created = written + dropped + merged + failed`), with each task's outcome and each
 * worker's totals. Stages are summed by their place in the pipeline (`wallMs` is the longest),
 * named by the words their names share (`toCsv *`). `maxInFlight` is
 * the sum of the tasks' — an upper bound, as tasks run at once.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface JobReport extends RunReport {
  readonly tasks: readonly TaskOutcome[]
  readonly workers: Readonly<Record<string, WorkerTotals>>
  /** Times a task was handed out again (a worker died or failed it). */
  readonly redeliveries: number
  /** The ids of tasks that failed for good (on the dead-letter subject, for a NATS job). */
  readonly deadLettered: readonly string[]
  /** The output file, once committed: absent when a task failed and nothing was committed. */
  readonly output?: string
  /**
   * `runTasks`: the time spent before tasks could run, apart from them — compiling a TypeScript
   * job module once and the slowest thread's start (loading the module), in ms. Threads started
   * beforehand (`startTaskThreads`) report what their start took then.
   */
  readonly startup?: JobStartup
}

/**
 * The start-up of a job's threads.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface JobStartup {
  readonly compileMs: number
  readonly threadStartMs: number
}
