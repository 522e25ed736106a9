/**
 * The run's budget and its stall watchdog.
 *
 * Budget: sources emit only while the ledger's open records are under the high-water mark (in
 * records, and in bytes when the source knows its records' size) and no stage asks them to wait
 * (`block`, such as while a file stream drains). A source without budget awaits `capacity()`.
 *
 * Watchdog: while a source waits for budget, or the sink's input has ended and records are still
 * open, the run must make progress (a record settled, a unit of work finished). After
 * `stallTimeoutMs` without any — or {@link IN_FLIGHT_PATIENCE} times that (at least
 * {@link MIN_IN_FLIGHT_PATIENCE_MS}) while work is in flight (a request, a lookup, a sink's write) —
 * the run stops as stalled. Records that vanish inside a plain rxjs operator, or a write that never
 * settles, end the run this way rather than hang it or let the process exit with nothing said.
 *
 * @internal
 * @packageDocumentation
 */
import { RunError } from '../../core/RunError.js'
import type { Ledger } from './Ledger.js'
import { RunStop } from './RunStop.js'
import { timerDelay } from './timerDelay.js'

/** How many times `stallTimeoutMs` a run with work in flight may go without progress. @internal */
export const IN_FLIGHT_PATIENCE = 10

/** The least patience for work in flight, however small `stallTimeoutMs` is. @internal */
export const MIN_IN_FLIGHT_PATIENCE_MS = 1_000

/** What the budget needs to know of its run. @internal */
export interface BudgetSettings {
  readonly name: string
  readonly highWaterMark: number
  readonly highWaterBytes: number
  readonly stallTimeoutMs: number
}

/** @internal */
export class Budget {
  private waiters: Array<() => void> = []
  private readonly blockers = new Set<object>()
  private readonly stallListeners: Array<() => void> = []
  private lastProgress = performance.now()
  /** Units of asynchronous work in flight: more patience before the run counts as stalled. */
  private working = 0
  /** The input of the sink completed: records still open can only be settled by work in flight. */
  private ending = false
  /** The watchdog's timer: it also keeps the process alive while the run is in progress. */
  private watchdog: NodeJS.Timeout | undefined = undefined

  constructor(
    private readonly settings: BudgetSettings,
    private readonly ledger: Ledger,
    private readonly stopped: () => boolean,
    private readonly stop: (stop: RunStop) => void,
  ) {}

  /** Whether a source may emit another record now. */
  hasCapacity(): boolean {
    if (this.blockers.size > 0) return false
    const open = this.ledger.open
    if (open >= this.settings.highWaterMark) return false
    const each = this.ledger.bytesPerRecord
    return !(each > 0 && open * each >= this.settings.highWaterBytes)
  }

  /** Resolves when a source may emit again. Tells stall listeners first (batching sinks flush). */
  capacity(): Promise<void> {
    for (const listener of this.stallListeners) listener()
    if (this.hasCapacity() || this.stopped()) return Promise.resolve()
    // Progress is timed from here on (see progressed()).
    if (this.waiters.length === 0) this.lastProgress = performance.now()
    return new Promise<void>((resolve) => this.waiters.push(resolve))
  }

  /** Records left the budget (settled, held, uncommitted): waiting sources may go on. */
  progressed(): void {
    // Only a waiting source reads the time of the last progress (the stall check): reading the
    // clock on every settle costs more than the rest of the ledger's bookkeeping.
    if (this.waiters.length === 0) {
      if (this.ending) this.lastProgress = performance.now()
      return
    }
    this.lastProgress = performance.now()
    if (this.hasCapacity()) this.wakeAll()
  }

  /** Wakes every waiting source (the run stopped: they see it and end). */
  wakeAll(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** Makes sources wait until `unblock(token)`, such as while a file stream drains. */
  block(token: object): void {
    this.blockers.add(token)
  }

  /** Lifts `token`'s block; returns whether it was blocking. */
  unblock(token: object): boolean {
    if (!this.blockers.delete(token)) return false
    this.progressed()
    return true
  }

  /** Called whenever a source is about to wait for capacity. Returns the unsubscribe. */
  onStall(listener: () => void): () => void {
    this.stallListeners.push(listener)
    return () => {
      const index = this.stallListeners.indexOf(listener)
      if (index >= 0) this.stallListeners.splice(index, 1)
    }
  }

  /** A stage started asynchronous work (a lookup, a request): the run is busy, not stalled. */
  beginWork(): void {
    this.working += 1
  }

  endWork(): void {
    this.working -= 1
    this.lastProgress = performance.now()
  }

  /** The sink's input completed: from now on open records must settle through work in flight. */
  inputEnded(): void {
    this.ending = true
    this.lastProgress = performance.now()
  }

  /** Starts the watchdog. Its timer is not `unref`'d: a run keeps the process alive until it settles. */
  startWatchdog(): void {
    if (this.watchdog !== undefined) return
    this.armWatchdog(this.settings.stallTimeoutMs)
  }

  /** Stops the watchdog: the run settled. */
  stopWatchdog(): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog)
    this.watchdog = undefined
  }

  private armWatchdog(ms: number): void {
    this.watchdog = setTimeout(() => this.checkStall(), timerDelay(Math.max(10, ms)))
  }

  private checkStall(): void {
    this.watchdog = undefined
    const timeout = this.settings.stallTimeoutMs
    // Stopped, not settled yet (the sink is cleaning up): the process stays alive till then.
    const waiting = this.waiters.length > 0 || (this.ending && this.ledger.open > 0)
    if (this.stopped() || !waiting || this.blockers.size > 0) {
      this.armWatchdog(timeout)
      return
    }
    const patience =
      this.working > 0 ? Math.max(timeout * IN_FLIGHT_PATIENCE, MIN_IN_FLIGHT_PATIENCE_MS) : timeout
    const idle = performance.now() - this.lastProgress
    if (idle < patience) {
      this.armWatchdog(patience - idle)
      return
    }
    this.armWatchdog(timeout)
    this.stop(
      new RunStop('failed', new RunError(`${this.settings.name}: stalled — ${this.why(idle)}`)),
    )
  }

  private why(idle: number): string {
    const waited = Math.round(idle)
    return this.working > 0
      ? `${this.working} units of work in flight (a request, a lookup, a sink's write) have not finished and no record settled for ${waited} ms. ` +
          'A write or lookup that never settles stalls the run; give it a timeout, or listen to its AbortSignal.'
      : `${this.ledger.open} records were read but never settled for ${waited} ms. ` +
          'A plain rxjs operator that drops or holds records must be wrapped with rx(operator) so PowerFlow can account for them.'
  }
}
