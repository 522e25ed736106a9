/**
 * Running a named pipeline once and keeping its history: what `schedule`, `watchFolder` and the
 * `powerflow` command share. A run here never rejects: whatever the pipeline does, the outcome
 * says how it ended and carries the report when there is one.
 *
 * @internal
 * @packageDocumentation
 */
import { appendFile } from 'node:fs/promises'
import type { RunReport, RunStatus } from '../core/RunReport.js'
import type { RunOptions } from '../core/RunOptions.js'
import type { Pipeline, PipelineLogger } from '../pipelines/definePipeline.js'
import type { JobOptions } from '../pipelines/JobHandle.js'
import type { RunHistoryEntry } from '../pipelines/RunHistoryEntry.js'

/** @internal */
export interface PipelineRunSettings {
  readonly params?: Readonly<Record<string, string>>
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly logger?: PipelineLogger
  readonly signal: AbortSignal
  readonly runOptions?: RunOptions
}

/** How one run of a pipeline ended. @internal */
export interface PipelineOutcome {
  readonly status: RunStatus
  /** The report: the resolved one, or the partial one the run rejected with. */
  readonly report: RunReport | undefined
  /** What the run rejected with, if it did. */
  readonly error: Error | undefined
  readonly startedAt: Date
  readonly finishedAt: Date
}

/** A logger that says nothing: a library never writes unasked. @internal */
export const SILENT: PipelineLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

/** Runs `pipeline` once; never rejects. @internal */
export async function runPipelineOnce(
  pipeline: Pipeline,
  settings: PipelineRunSettings,
): Promise<PipelineOutcome> {
  const startedAt = new Date()
  const ctx = {
    name: pipeline.name,
    signal: settings.signal,
    params: { ...settings.params },
    env: settings.env ?? process.env,
    logger: settings.logger ?? SILENT,
    runOptions: { ...settings.runOptions, name: pipeline.name, signal: settings.signal },
  }
  try {
    const report = await pipeline.run(ctx)
    if (!isReport(report))
      throw new TypeError(`pipeline ${pipeline.name}: run must resolve to a run report`)
    return { status: report.status, report, error: undefined, startedAt, finishedAt: new Date() }
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown))
    const carried = (thrown as { report?: unknown } | undefined)?.report
    const report = isReport(carried) ? carried : undefined
    const aborted = error.name === 'AbortError' || settings.signal.aborted
    const status: RunStatus =
      report !== undefined && report.status !== 'completed'
        ? report.status
        : aborted
          ? 'aborted'
          : 'failed'
    return { status, report, error, startedAt, finishedAt: new Date() }
  }
}

function isReport(value: unknown): value is RunReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RunReport).status === 'string' &&
    typeof (value as RunReport).read === 'number'
  )
}

/** The history entry of one run. @internal */
export function historyEntry(
  name: string,
  outcome: PipelineOutcome,
  extra: Pick<RunHistoryEntry, 'scheduledAt' | 'file' | 'movedTo'> = {},
): RunHistoryEntry {
  const report = outcome.report
  const entry: RunHistoryEntry = {
    name,
    status: outcome.status,
    startedAt: outcome.startedAt.toISOString(),
    finishedAt: outcome.finishedAt.toISOString(),
    durationMs: outcome.finishedAt.getTime() - outcome.startedAt.getTime(),
    read: report?.read ?? 0,
    written: report?.written ?? 0,
    dropped: report?.dropped ?? 0,
    droppedByReason: report?.droppedByReason ?? {},
    merged: report?.merged ?? 0,
    created: report?.created ?? 0,
    failed: report?.failed ?? 0,
    failures: (report?.failures ?? [])
      .slice(0, 10)
      .map((failure) => ({ _tag: failure._tag, message: failure.message })),
    failuresOmitted:
      Math.max(0, (report?.failures.length ?? 0) - 10) + (report?.failuresOmitted ?? 0),
    ...extra,
  }
  return outcome.error === undefined ? entry : { ...entry, error: outcome.error.message }
}

/** One line for a log: `sync-deals completed in 1.20 s — read 240, written 12, …`. @internal */
export function summaryLine(entry: RunHistoryEntry): string {
  const counts =
    `read ${entry.read}, written ${entry.written}, dropped ${entry.dropped}, ` +
    `merged ${entry.merged}, created ${entry.created}, failed ${entry.failed}`
  const error = entry.error === undefined || entry.status === 'completed' ? '' : `: ${entry.error}`
  return `${entry.name} ${entry.status} in ${(entry.durationMs / 1000).toFixed(2)} s — ${counts}${error}`
}

/**
 * The runs of one job: starts them with their own abort controller, records their history
 * (memory, file, callback), and stops them with a grace period.
 *
 * @internal
 */
export class JobRuns {
  readonly history: RunHistoryEntry[] = []
  private readonly active = new Map<Promise<unknown>, AbortController>()
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly pipeline: Pipeline,
    private readonly options: JobOptions,
  ) {}

  get running(): boolean {
    return this.active.size > 0
  }

  get logger(): PipelineLogger {
    return this.options.logger ?? SILENT
  }

  /**
   * Runs the pipeline once with `params` added to the job's; `settle` turns the outcome into its
   * history entry (and may do more, such as moving a file) before it is recorded.
   */
  run(
    params: Readonly<Record<string, string>>,
    settle: (outcome: PipelineOutcome) => Promise<RunHistoryEntry> | RunHistoryEntry,
  ): Promise<RunHistoryEntry> {
    const controller = new AbortController()
    const done = (async () => {
      const outcome = await runPipelineOnce(this.pipeline, {
        params: { ...this.options.params, ...params },
        signal: controller.signal,
        ...(this.options.env === undefined ? {} : { env: this.options.env }),
        ...(this.options.logger === undefined ? {} : { logger: this.options.logger }),
        ...(this.options.runOptions === undefined ? {} : { runOptions: this.options.runOptions }),
      })
      const entry = await settle(outcome)
      await this.record(entry)
      return entry
    })()
    this.active.set(done, controller)
    void done.finally(() => this.active.delete(done)).catch(() => undefined)
    return done
  }

  /** Waits up to `graceMs` for the runs in progress, then aborts them and waits for their end. */
  async drain(graceMs: number, reason: string): Promise<void> {
    if (this.active.size === 0) return this.writing
    const all = Promise.allSettled(this.active.keys())
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), Math.max(0, graceMs))
    })
    const first = await Promise.race([all.then(() => 'done' as const), expired])
    clearTimeout(timer)
    if (first === 'expired') {
      this.logger.warn(`${this.pipeline.name}: still running after the grace period; aborting it`)
      for (const controller of this.active.values()) controller.abort(new Error(reason))
      await all
    }
    await this.writing
  }

  private record(entry: RunHistoryEntry): Promise<void> {
    this.history.push(entry)
    const limit = this.options.historyLimit ?? 100
    if (this.history.length > limit) this.history.splice(0, this.history.length - limit)
    const file = this.options.historyFile
    // History lines are appended one after another, in the order the runs ended.
    this.writing = this.writing.then(async () => {
      if (file !== undefined) {
        try {
          await appendFile(file, `${JSON.stringify(entry)}\n`)
        } catch (error) {
          this.logger.error(
            `could not append to the history ${file}: ${error instanceof Error ? error.message : String(error)}`,
          )
        }
      }
      try {
        this.options.onRun?.(entry)
      } catch (error) {
        this.logger.error(`onRun threw: ${error instanceof Error ? error.message : String(error)}`)
      }
    })
    return this.writing
  }
}
