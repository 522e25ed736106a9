import type { Failure } from './Failure.js'

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
  /** Milliseconds from the stage's subscription to the completion of its output (or the run's end). */
  readonly durationMs: number
  /** Extra figures a stage reports about itself, such as dedupe's `distinctKeys`. */
  readonly details?: Readonly<Record<string, unknown>>
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
  /** Extra sections contributed by sinks and operators (`http`, `lookups`, `records`, …). */
  readonly [section: string]: unknown
}
