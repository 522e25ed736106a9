import type { Failure } from './Failure.js'
import type { RunReport, StageReport } from './RunReport.js'

/**
 * Observers of a run. They see, they never change: a hook that throws is reported as a
 * `HookError` in the report's failures and the run goes on.
 *
 * In a stream, stages overlap: `preStage` fires when a stage starts (subscribes to its input),
 * `postStage` when its output completes.
 *
 * @category core
 * @since 0.1.0
 */
export interface RunHooks {
  readonly preRun?: (info: { readonly name: string; readonly startedAt: string }) => void
  readonly postRun?: (report: RunReport) => void
  readonly preStage?: (stage: { readonly name: string; readonly kind: StageReport['kind'] }) => void
  readonly postStage?: (stage: StageReport) => void
  readonly onFailure?: (failure: Failure) => void
}

/**
 * Options every sink accepts: they configure the run the sink starts.
 *
 * @category core
 * @since 0.1.0
 */
export interface RunOptions {
  /** The run's name in the report and progress output (default: the sink's name). */
  readonly name?: string
  /** Aborts the run: the source is released and the promise rejects with an `AbortError`. */
  readonly signal?: AbortSignal
  /** Records read or created but not yet settled before sources wait (default 2,000). */
  readonly highWaterMark?: number
  /** An approximate byte limit on the same records, from the sources' sizes (default 64 MiB). */
  readonly highWaterBytes?: number
  /** How many failures the report keeps (default 1,000); the rest are counted in `failuresOmitted`. */
  readonly failureCap?: number
  /** Observers of the run (`preRun`, `postRun`, `preStage`, `postStage`, `onFailure`). */
  readonly hooks?: RunHooks
  /**
   * Progress on stderr: a live line on a TTY, plain periodic lines otherwise, and a summary table
   * at the end (`summary: false` leaves the table out, for a caller that prints its own). Off by
   * default: a library never writes to stderr unasked.
   */
  readonly progress?:
    | boolean
    | {
        readonly intervalMs?: number
        readonly stream?: NodeJS.WritableStream
        readonly summary?: boolean
      }
  /**
   * How long a source may wait for budget while nothing settles and no stage has work in flight
   * before the run fails as stalled (default 30 s). Only a plain rxjs operator that swallows
   * records (not wrapped with `rx`) can cause that.
   */
  readonly stallTimeoutMs?: number
}
