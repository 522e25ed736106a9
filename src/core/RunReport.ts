import type { Failure } from './Failure.js'
import type { ProfileReport } from './ColumnProfile.js'
import type { Bookmark } from './Bookmark.js'

/**
 * How a run ended.
 *
 * @category core
 * @since 0.1.0
 */
export type RunStatus = 'completed' | 'failed' | 'aborted'

/**
 * One stage's own accounting: `in + created = out + dropped + merged + failed` once it completes.
 * `in` counts the records (Rights) the stage received; failures passing through untouched are not
 * counted. For a source, `in` is what it read; for a sink, `out` is what it delivered.
 *
 * @category core
 * @since 0.1.0
 */
export interface StageReport {
  readonly name: string
  readonly kind: 'source' | 'operator' | 'sink'
  readonly in: number
  readonly out: number
  readonly dropped: number
  readonly failed: number
  readonly created: number
  readonly merged: number
  /**
   * Records still inside the stage (held, or in flight) when a downstream stage completed early
   * and unsubscribed from it (`rx(take(n))`): counted in `dropped`, reason `cancelled`.
   */
  readonly cancelled?: number
  /**
   * Milliseconds the stage was busy: in its own handlers (not in the stages downstream that its
   * output runs) and in the work it awaited (a source's reads, a sink's writes). Per-record
   * handlers are timed on a sample and the average applied to every record. Absent for a stage
   * that does not measure it (`enrich`, for now).
   */
  readonly busyMs?: number
  /**
   * Milliseconds from the stage's subscription to the completion of its output (or the run's
   * end). Stages overlap in a stream, so most stages show about the run's duration here: see
   * `busyMs` for the time a stage itself took.
   */
  readonly wallMs: number
  /** The same as `wallMs` (its name before 0.2.0). */
  readonly durationMs: number
  /** Extra figures a stage reports about itself, such as dedupe's `distinctKeys`. */
  readonly details?: Readonly<Record<string, unknown>>
}

/**
 * Samples of a run's progress: at `atMs` milliseconds after the start, `stages[name]` records had
 * come out of the stage `name`.
 *
 * @category core
 * @since 0.2.0
 */
export interface RunTimeline {
  readonly samples: ReadonlyArray<{
    readonly atMs: number
    readonly stages: Readonly<Record<string, number>>
  }>
}

/**
 * The outcome of a run. It adds up: `read + created = written + dropped + merged + failed`.
 *
 * @category core
 * @since 0.1.0
 */
export interface RunReport {
  /** The run's name (sink option `name`), or the sink's stage name. */
  readonly name: string
  readonly status: RunStatus
  /** Records the sources emitted (records and per-record failures such as parse errors). */
  readonly read: number
  /** Records delivered to the destination. */
  readonly written: number
  /** Records dropped on purpose, or because the run stopped; see `droppedByReason`. */
  readonly dropped: number
  readonly droppedByReason: Readonly<Record<string, number>>
  /** Records that ended as failures. */
  readonly failed: number
  /**
   * The failures, up to the run's `failureCap` (default 1,000), plus run-level problems such as a
   * hook that threw (`HookError`) or records a plain rxjs operator lost (`LedgerWarning`).
   */
  readonly failures: readonly Failure[]
  /** How many failures were left out of `failures` because of the cap. */
  readonly failuresOmitted: number
  /** Records made by operators, such as aggregate's group rows. */
  readonly created: number
  /** Records consumed into created ones, such as the rows an aggregate folds into a group. */
  readonly merged: number
  readonly stages: readonly StageReport[]
  /** ISO 8601 timestamps. */
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  /**
   * The largest number of records read or created but not yet settled at any moment — records in
   * memory under the run's budget, so at most about `highWaterMark` for a pulled source. Records
   * already in a file sink's temporary file (settled when it is committed) are not counted, nor
   * records a stage keeps in custody until its input ends (`dedupe` with `keep: 'last'`:
   * its stage's `details.distinctKeys`).
   */
  readonly maxInFlight: number
  /** The report of the dead-letter sink, when the run has a `deadLetter` policy. */
  readonly deadLetter?: RunReport
  /**
   * How many records had come out of each stage at moments during the run (at most a few hundred
   * samples, evenly spread), from which throughput over time is drawn.
   */
  readonly timeline?: RunTimeline
  /** What each `profile()` stage found, by stage name. */
  readonly profiles?: Readonly<Record<string, ProfileReport>>
  /** Where an incremental source got to (its field and greatest value read), when it says. */
  readonly bookmark?: Bookmark
  /** Where a run started with `resume: true` took up an unfinished run (its counts include that run's). */
  readonly resumedFrom?: ResumedFrom
  /** Extra sections contributed by sinks and operators (`http`, `lookups`, `records`, …). */
  readonly [section: string]: unknown
}

/**
 * The checkpoint a resumed run continued from: when it was taken, and how many records had been
 * settled by then (read or created with an outcome, or safely in the output file's durable part).
 *
 * @category state
 * @since 0.2.0
 */
export interface ResumedFrom {
  /** When the checkpoint was taken (ISO 8601). */
  readonly checkpointAt: string
  /** Records settled before the checkpoint: the part of the run this run did not redo. */
  readonly settled: number
}
