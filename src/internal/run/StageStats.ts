/**
 * The figures of one stage: what came in, went out, was dropped, failed, made or merged, what it
 * holds in custody, and its timing. A stage changes them only through its {@link StageHandle},
 * which keeps the run's ledger in step.
 *
 * @internal
 * @packageDocumentation
 */
import type { StageReport } from '../../core/RunReport.js'
import { BusyClock } from '../busyTime.js'

/** A stage's figures, as a checkpoint saves them. @internal */
export interface StageFigures {
  readonly in: number
  readonly out: number
  readonly dropped: number
  readonly failed: number
  readonly created: number
  readonly merged: number
  /** Records in the stage's custody (absent: none). */
  readonly held?: number
}

/**
 * A stage's figures. Only the run's machinery in this folder writes them: every stage counts
 * through its handle (`StageHandle`), which keeps them and the run's ledger together.
 *
 * @internal
 */
export class StageStats {
  in = 0
  out = 0
  dropped = 0
  failed = 0
  created = 0
  merged = 0
  /** Of the records inside this stage, how many it has taken into custody (the run's `held`). */
  held = 0
  /** Records a downstream stage's early completion left inside this stage (counted in `dropped`). */
  cancelled = 0
  details: Record<string, unknown> | undefined = undefined
  /** Time spent in the stage's own handlers and awaited work. */
  readonly busy = new BusyClock()
  private readonly started = performance.now()
  private finished: number | undefined = undefined
  constructor(
    readonly name: string,
    readonly kind: StageReport['kind'],
    readonly depth: number,
    readonly order: number,
  ) {}

  finish(): void {
    if (this.finished === undefined) this.finished = performance.now()
  }

  /** Records inside this stage: received or made, with no outcome in this stage yet. */
  remainder(): number {
    return this.in + this.created - this.out - this.dropped - this.merged - this.failed
  }

  /** Adds the figures of an earlier part of the same run (a checkpoint resumed from). */
  addEarlier(earlier: StageFigures): void {
    this.in += earlier.in
    this.out += earlier.out
    this.dropped += earlier.dropped
    this.failed += earlier.failed
    this.created += earlier.created
    this.merged += earlier.merged
    this.held += earlier.held ?? 0
  }

  /** The run stopped: records still inside this stage were dropped by the stop. */
  dropRemainder(): void {
    const remainder = this.remainder()
    if (remainder > 0) this.dropped += remainder
  }

  get isFinished(): boolean {
    return this.finished !== undefined
  }

  toReport(): StageReport {
    const wall = Math.round((this.finished ?? performance.now()) - this.started)
    const busy = this.busy.ms
    return {
      name: this.name,
      kind: this.kind,
      in: this.in,
      out: this.out,
      dropped: this.dropped,
      failed: this.failed,
      created: this.created,
      merged: this.merged,
      ...(this.cancelled > 0 ? { cancelled: this.cancelled } : {}),
      ...(busy === undefined ? {} : { busyMs: Math.round(busy) }),
      wallMs: wall,
      durationMs: wall,
      ...(this.details === undefined ? {} : { details: this.details }),
    }
  }
}
