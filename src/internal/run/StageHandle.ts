/**
 * What a stage gets when it registers with its run: one object whose verbs keep the stage's
 * figures and the run's ledger together, so a stage cannot keep one and forget the other. A record
 * that comes into a stage (`receive`, or `read` for a source) leaves it exactly once: `emit`
 * (downstream, still open in the run), `fail` (downstream as a failure), `drop`, `merge`, or in a
 * sink `write` / `failHere`. A stage that keeps records until later takes them into custody
 * (`hold`, outside the run's budget) and gives each one out again (`release`) or settles it from
 * custody (`dropHeld`, `writeHeld`, `failHeld`). Records a stage makes are `create`d first.
 *
 * The handle is also the stage's one view of its run: the budget, the stall watchdog's work
 * count, where a record came from, whether the run stopped.
 *
 * @internal
 * @packageDocumentation
 */
import {
  failure,
  type Failure,
  type FailureInit,
  type FailureTag,
  type Location,
} from '../../core/Failure.js'
import type { BusyClock } from '../busyTime.js'
import { checkpointsOf, type Checkpointer } from '../checkpoint/Checkpointer.js'
import type { RunContext } from './RunContext.js'
import type { RunState } from '../runState.js'
import type { StageStats } from './StageStats.js'
import { RunStop } from './RunStop.js'

/** @internal */
export class StageHandle {
  constructor(
    private readonly run: RunContext,
    /** The stage's figures: changed only through the verbs, so they and the ledger agree. */
    private readonly stats: StageStats,
  ) {}

  get name(): string {
    return this.stats.name
  }

  /** The stage's busy-time clock. */
  get busy(): BusyClock {
    return this.stats.busy
  }

  /** The stage's own figures in the report (`details`). */
  setDetails(details: Record<string, unknown>): void {
    this.stats.details = details
  }

  // ---- records in ---------------------------------------------------------------------------

  /** Records came into the stage from upstream (they are already in the run's ledger). */
  receive(count = 1): void {
    this.stats.in += count
  }

  /**
   * A source read one value: a new record (or a failure) enters the run here and leaves the
   * stage downstream. `bytes` is its approximate size in memory, if known.
   */
  read(value: { readonly _tag: 'Left' | 'Right' }, bytes = 0): void {
    this.run.ledger.addRead(1, bytes)
    this.stats.in += 1
    if (value._tag === 'Left') this.stats.failed += 1
    else this.stats.out += 1
  }

  /** The stage made records (an aggregate's rows): new in the run, inside this stage. */
  create(count = 1): void {
    this.stats.created += count
    this.run.ledger.addCreated(count)
  }

  // ---- records out (still open in the run) --------------------------------------------------

  /** Records leave the stage downstream. */
  emit(count = 1): void {
    this.stats.out += count
  }

  /** Records failed in this stage and go downstream as failures; the run settles them where they end. */
  fail(count = 1): void {
    this.stats.failed += count
  }

  // ---- outcomes -----------------------------------------------------------------------------

  /** Open records are dropped on purpose, with `reason` (`duplicate`, `unmatched`, …). */
  drop(reason: string, count = 1): void {
    this.stats.dropped += count
    this.run.ledger.settleOpen('dropped', count, reason)
  }

  /** Open records were merged into others (an aggregate's group). */
  merge(count = 1): void {
    this.stats.merged += count
    this.run.ledger.settleOpen('merged', count)
  }

  /** A sink wrote open records to their destination. */
  write(count = 1): void {
    this.stats.out += count
    this.run.ledger.settleOpen('written', count)
  }

  /** An open record of this sink failed here: counted, kept for the report, the policy applied. */
  failHere(failure: Failure): void {
    this.stats.failed += 1
    this.run.failOpen(failure)
  }

  /** A failure from upstream ends at this sink: the run counts it (it is no record of this stage). */
  endFailure(failure: Failure): void {
    this.run.failOpen(failure)
  }

  // ---- custody ------------------------------------------------------------------------------

  /** Takes open records into custody: their budget is released, their outcome comes later. */
  hold(count = 1): void {
    this.stats.held += count
    this.run.ledger.hold(count)
  }

  /** Gives records out of custody: open again (to be emitted). */
  release(count = 1): void {
    this.stats.held -= count
    this.run.ledger.release(count)
  }

  /** Records in custody are dropped, with `reason`. */
  dropHeld(reason: string, count = 1): void {
    this.stats.held -= count
    this.stats.dropped += count
    this.run.ledger.settleHeld('dropped', count, reason)
  }

  /** A sink wrote records it held. */
  writeHeld(count = 1): void {
    this.stats.held -= count
    this.stats.out += count
    this.run.ledger.settleHeld('written', count)
  }

  /** A record this sink held failed. */
  failHeld(failure: Failure): void {
    this.stats.failed += 1
    this.run.failHeld(failure, this.stats)
  }

  /** Open records reached a destination that becomes visible when committed (a temporary file). */
  uncommitted(count: number): void {
    this.run.ledger.toUncommitted(count)
  }

  /** Uncommitted records go on to their destination: open again (see `Ledger.reopen`). */
  reopen(count: number): void {
    this.run.ledger.reopen(count)
  }

  /** The destination was committed: `count` uncommitted records are written. */
  commit(count: number): void {
    if (count <= 0) return
    this.stats.out += count
    this.run.ledger.commit(count)
  }

  /** The stage's output completed, or it was unsubscribed (records still inside are `cancelled`). */
  finish(): void {
    this.run.finishStage(this.stats)
  }

  // ---- the run, as a stage sees it ----------------------------------------------------------

  /** Whether the run stopped early. */
  get stopped(): boolean {
    return this.run.stopped !== undefined
  }

  /** Aborts when the run stops early. */
  get signal(): AbortSignal {
    return this.run.signal
  }

  /** The run's high-water mark (records open at once). */
  get highWaterMark(): number {
    return this.run.settings.highWaterMark
  }

  /** Whether the run has budget for another open record now. */
  hasCapacity(): boolean {
    return this.run.hasCapacity()
  }

  /** Resolves when the run has budget again. */
  capacity(): Promise<void> {
    return this.run.capacity()
  }

  /** Asynchronous work started (a lookup, a request): the run is busy, not stalled. */
  beginWork(): void {
    this.run.beginWork()
  }

  endWork(): void {
    this.run.endWork()
  }

  /**
   * Holds the sources back until `unblock(token)`, whatever the budget: the stage cannot take
   * records now (its file is opening, its output must drain, a round is full).
   */
  block(token: object): void {
    this.run.block(token)
  }

  unblock(token: object): void {
    this.run.unblock(token)
  }

  /**
   * An infrastructure fault (a file that cannot be written, a destination that never answers):
   * the run stops and rejects with `error`, which names the place.
   */
  fault(error: Error): void {
    this.run.stop(new RunStop('failed', error))
  }

  /** `listener` is called whenever a source is about to wait for budget. Returns the unsubscribe. */
  onStall(listener: () => void): () => void {
    return this.run.onStall(listener)
  }

  /** Where `record` came from (the source's file and line), if it is the source's current record. */
  locationOf(record: unknown): Location | undefined {
    return this.run.locationOf(record)
  }

  /** A source is about to emit `record`, item `index` of a batch that `locate` can place. */
  emitting(
    record: unknown,
    locate: ((index: number) => Location) | undefined,
    index: number,
  ): void {
    this.run.emitting(record, locate, index)
  }

  /** A one-to-one stage made `to` from the source's current record `from`: same place. */
  derived(from: unknown, to: unknown): void {
    this.run.derived(from, to)
  }

  /**
   * A failure of this stage about `init.record`, placed where the record came from — `origin`,
   * by default where the source's current record came from, if it is that record — and then
   * where `init.location` says (a field, say).
   */
  failure(
    tag: FailureTag,
    init: Omit<FailureInit, 'stage'>,
    origin: Location | undefined = this.locationOf(init.record),
  ): Failure {
    const location = origin === undefined ? init.location : { ...origin, ...init.location }
    return failure(tag, {
      ...init,
      stage: this.name,
      ...(location === undefined ? {} : { location }),
    })
  }

  /** The run's report sections: a stage adds its own there (computed when the report is made). */
  get sections(): Record<string, unknown> {
    return this.run.sections
  }

  /**
   * The run's `state` (the run option): the positions its sources saved last time, and where a
   * sink that commits them with its rows (a database sink beside its state store) finds them.
   * `undefined` for a run without state.
   */
  get state(): RunState | undefined {
    return this.run.state
  }

  /** Adds a failure to the report without counting a record (a warning). */
  warn(failure: Failure): void {
    this.run.keep(failure)
  }

  /** The run's checkpoints (the `checkpoint` run option), if it takes any: see `checkpoint/`. */
  get checkpoints(): Checkpointer | undefined {
    return checkpointsOf(this.run)
  }
}
