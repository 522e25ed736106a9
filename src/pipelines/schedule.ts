import { Cron } from 'croner'
import { historyEntry, JobRuns, summaryLine } from '../internal/pipelineRun.js'
import type { Pipeline } from './definePipeline.js'
import type { JobHandle, JobOptions } from './JobHandle.js'

/**
 * Options of {@link schedule}.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface ScheduleOptions extends JobOptions {
  /**
   * When to run, as a cron expression (croner's syntax): five fields (`*\/15 * * * *`: every 15
   * minutes), or six with seconds first (`*\/5 * * * * *`: every 5 seconds).
   */
  readonly cron: string
  /** The IANA time zone the expression is read in (`Europe/Berlin`; default: the system's). */
  readonly timezone?: string
  /**
   * What happens when a run is due while the previous one is still going: `skip` (the default)
   * leaves that run out; `queue` starts it as soon as the previous one ends (several due runs
   * waiting are one run); `allow` starts it at once, beside the other.
   */
  readonly overlap?: 'skip' | 'queue' | 'allow'
}

/**
 * Runs a pipeline on a cron schedule, until stopped. Each run gets its own signal; with the
 * default `overlap: 'skip'` never two runs at once. Every run ends in the job's `history` (and in
 * `historyFile`, one JSON line each), and its one-line summary and the next run time go to the
 * `logger`. A run that fails does not stop the schedule.
 *
 * Throws a `TypeError` at once when the cron expression or the time zone is invalid.
 *
 * @example
 * ```ts
 * import { definePipeline, fromGenerator, pipe, schedule, toArray } from 'powerflow-etl'
 *
 * const tick = definePipeline({
 *   name: 'tick',
 *   run: (ctx) => pipe(fromGenerator([1, 2, 3]), toArray({ ...ctx.runOptions })),
 * })
 *
 * // Every second; see the runs in `history`.
 * const job = schedule(tick, { cron: '* * * * * *', timezone: 'UTC' })
 * console.assert(job.nextRun instanceof Date)
 * while (job.history.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
 * await job.stop()
 * console.assert(job.history.length >= 1 && job.history[0]?.written === 3)
 * console.assert(job.nextRun === null)
 * ```
 *
 * @param pipeline The pipeline to run.
 * @param options The schedule, and what the runs get.
 * @returns A handle: `stop()`, `nextRun`, `running`, `history`.
 * @see watchFolder
 * @category pipelines
 * @since 0.2.0
 */
export function schedule(pipeline: Pipeline, options: ScheduleOptions): JobHandle {
  const overlap = options.overlap ?? 'skip'
  if (!['skip', 'queue', 'allow'].includes(overlap))
    throw new TypeError(`schedule ${pipeline.name}: overlap must be skip, queue or allow`)
  const runs = new JobRuns(pipeline, options)
  const logger = runs.logger
  let queued: Date | undefined
  let stopped = false

  const start = (scheduledAt: Date): void => {
    void runs
      .run({}, (outcome) =>
        historyEntry(pipeline.name, outcome, { scheduledAt: scheduledAt.toISOString() }),
      )
      .then((entry) => {
        const next = stopped ? null : job.nextRun()
        const line = `${summaryLine(entry)}${next === null ? '' : ` · next run ${next.toISOString()}`}`
        if (entry.status === 'completed') logger.info(line)
        else logger.error(line)
        if (queued !== undefined && !stopped && !runs.running) {
          const due = queued
          queued = undefined
          start(due)
        }
      })
  }

  const tick = (): void => {
    const scheduledAt = new Date()
    if (!runs.running || overlap === 'allow') {
      start(scheduledAt)
      return
    }
    if (overlap === 'queue') {
      if (queued !== undefined) logger.warn(`${pipeline.name}: a run is already waiting; merged`)
      queued ??= scheduledAt
      return
    }
    logger.warn(
      `${pipeline.name}: run due at ${scheduledAt.toISOString()} skipped: the previous run is still going`,
    )
  }

  let job: Cron
  let first: Date | null
  try {
    job = new Cron(
      options.cron,
      options.timezone === undefined ? {} : { timezone: options.timezone },
      tick,
    )
    first = job.nextRun()
  } catch (error) {
    throw new TypeError(
      `schedule ${pipeline.name}: invalid cron "${options.cron}"${options.timezone === undefined ? '' : ` or time zone "${options.timezone}"`}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  logger.info(
    `${pipeline.name}: scheduled "${options.cron}"${options.timezone === undefined ? '' : ` (${options.timezone})`}; first run ${first?.toISOString() ?? 'never'}`,
  )

  return {
    async stop(stopOptions = {}) {
      stopped = true
      queued = undefined
      job.stop()
      await runs.drain(stopOptions.graceMs ?? 30_000, `${pipeline.name}: the schedule stopped`)
    },
    get nextRun() {
      return stopped ? null : job.nextRun()
    },
    get running() {
      return runs.running
    },
    get history() {
      return runs.history
    },
  }
}
