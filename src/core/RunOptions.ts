import type { Failure } from './Failure.js'
import type { RunReport, StageReport } from './RunReport.js'
import type { RunStateOptions } from './StateStore.js'

/**
 * Observers of a run. They see, they never change: a hook that throws, or returns a promise that
 * rejects, is reported as a `HookError` in the report's failures and the run goes on. A hook's
 * promise does not hold up the records; the run waits for it (at most `stallTimeoutMs`, and 2 s
 * once stopped) before it settles.
 *
 * In a stream, stages overlap: `preStage` fires when a stage starts (subscribes to its input),
 * `postStage` when its output completes.
 *
 * @category core
 * @since 0.1.0
 */
export interface RunHooks {
  readonly preRun?:
    | ((info: { readonly name: string; readonly startedAt: string }) => void)
    | ((info: { readonly name: string; readonly startedAt: string }) => Promise<void>)
  readonly postRun?: ((report: RunReport) => void) | ((report: RunReport) => Promise<void>)
  readonly preStage?:
    | ((stage: { readonly name: string; readonly kind: StageReport['kind'] }) => void)
    | ((stage: { readonly name: string; readonly kind: StageReport['kind'] }) => Promise<void>)
  readonly postStage?: ((stage: StageReport) => void) | ((stage: StageReport) => Promise<void>)
  readonly onFailure?: ((failure: Failure) => void) | ((failure: Failure) => Promise<void>)
}

/**
 * Options every sink accepts: they configure the run the sink starts.
 *
 * @category core
 * @since 0.1.0
 */
export interface RunOptions {
  /**
   * The run's name in the report and progress output (default: the sink's stage name). It names
   * the run, not the sink's stage: see `stageName`.
   */
  readonly name?: string
  /**
   * The sink's stage name in the report's `stages` and in hooks (default: the sink's own name,
   * such as `toCsv out.csv`).
   */
  readonly stageName?: string
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
   * Also write the run's report as a self-contained HTML page to this path when the run ends,
   * however it ends (see `writeHtmlReport`). A page that cannot be written is reported as a
   * `SinkError` in `report.failures`; it does not change the run's status.
   */
  readonly htmlReport?: string
  /**
   * How long a run may make no progress (no record settled) while a source waits for budget, or
   * while the sink finishes, before it fails as stalled with a `RunError` (default 30 s). Work in
   * flight (a request, a lookup, a sink's write) gets ten times as long (at least 1 s), not for ever. A plain
   * rxjs operator that swallows records (not wrapped with `rx`), or a write that never settles,
   * causes that. A run in progress keeps the process alive until it settles.
   */
  readonly stallTimeoutMs?: number
  /**
   * Remember where the sources got to: once the run completed and the sink durably committed
   * every record (a file renamed, a webhook's 2xx, a database transaction), each source with a
   * position (an incremental bookmark, a CSV file's byte offset) saves it in `store` under `key`,
   * and the next run with the same `state` starts from there. See docs/state-and-resume.md.
   */
  readonly state?: RunStateOptions
  /**
   * During a long run, periodically save a checkpoint under the `state` key (needed): the
   * source's position after its last settled record (`fromCsv`, or `fromJson` of NDJSON, reading
   * a plain file), the file sink's (`toCsv`) temporary file fsynced to a length, and the state
   * of stateful operators (`dedupe`'s keys) — never a position ahead of what the file holds
   * durably. Taken at the first batch boundary after `everyRecords` records read
   * (default 10,000 when neither is given) or `everyMs` milliseconds. A pipeline with a piece that
   * cannot be checkpointed (several sources, a sink other than a file, an operator whose state
   * cannot be saved) fails at start with an error naming it. See docs/state-and-resume.md.
   */
  readonly checkpoint?: CheckpointOptions
  /**
   * Continue from the checkpoint an unfinished run left under the `state` key, if there is one:
   * the source seeks, the file sink truncates its temporary file to the checkpointed length and
   * goes on, operators restore their state; the output is byte for byte what an uninterrupted
   * run writes. Without one, the run starts as usual. Needs `state` and `checkpoint`.
   */
  readonly resume?: boolean
}

/**
 * How often a run saves a checkpoint (the `checkpoint` run option): after at least `everyRecords`
 * records read, or `everyMs` milliseconds, whichever comes first, at the next batch boundary.
 *
 * @category state
 * @since 0.2.0
 */
export interface CheckpointOptions {
  readonly everyRecords?: number
  readonly everyMs?: number
}
