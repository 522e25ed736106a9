import type { RunOptions } from '../core/RunOptions.js'
import type { PipelineLogger } from './definePipeline.js'
import type { RunHistoryEntry } from './RunHistoryEntry.js'

/**
 * A running job — a {@link schedule} or a {@link watchFolder} — seen from the code that started
 * it.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface JobHandle {
  /**
   * Stops the job: no new run starts; a run in progress may finish within `graceMs` (default
   * 30,000), then it is aborted through its signal. Resolves once no run is left.
   */
  stop(options?: { readonly graceMs?: number }): Promise<void>
  /** When the next run is due (`schedule`) or the folder is next looked at (`watchFolder`); null once stopped. */
  readonly nextRun: Date | null
  /** Whether a run is in progress. */
  readonly running: boolean
  /** The job's runs so far, oldest first (the last `historyLimit`, default 100). */
  readonly history: readonly RunHistoryEntry[]
}

/**
 * Options {@link schedule} and {@link watchFolder} share.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface JobOptions {
  /** Parameters every run gets in `ctx.params` (for `watchFolder`, `file` is added). */
  readonly params?: Readonly<Record<string, string>>
  /** The environment the runs see in `ctx.env` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Where the runs and the job write their messages (default: nowhere). */
  readonly logger?: PipelineLogger
  /** Appends each run's {@link RunHistoryEntry} as a JSON line to this file. */
  readonly historyFile?: string
  /** Called with each run's entry once the run has ended. */
  readonly onRun?: (entry: RunHistoryEntry) => void
  /** How many entries `history` keeps in memory (default 100). */
  readonly historyLimit?: number
  /** Extra run options for the runs' `ctx.runOptions`, such as `progress`. */
  readonly runOptions?: RunOptions
}
