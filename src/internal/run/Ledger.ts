/**
 * The run's ledger: how many records were read or created, and what became of each — written,
 * dropped (by reason), merged or failed — with those still without an outcome split three ways:
 * open (in flight, using the run's budget), held (in a stage's custody, outside the budget) and
 * uncommitted (written to a destination that becomes visible only when committed).
 *
 * Its equation: `read + created = written + dropped + merged + failed + open + held + uncommitted`.
 * Closing the books settles the last three, so a report always adds up.
 *
 * @internal
 * @packageDocumentation
 */

/** The outcomes a record can have. @internal */
export type Outcome = 'written' | 'dropped' | 'merged' | 'failed'

/** The ledger's figures at a moment when nothing was open (a checkpoint). @internal */
export interface LedgerFigures {
  readonly read: number
  readonly created: number
  readonly written: number
  readonly dropped: number
  readonly droppedByReason: Readonly<Record<string, number>>
  readonly merged: number
  readonly failed: number
  /** Records written where only a commit makes them visible (a file sink's temporary file). */
  readonly uncommitted: number
  /** Records in a stage's custody, kept in its saved state (absent: none). */
  readonly held?: number
}

/** @internal */
export class Ledger {
  private readCount = 0
  private createdCount = 0
  private writtenCount = 0
  private droppedCount = 0
  private mergedCount = 0
  private failedCount = 0
  private readonly byReason: Record<string, number> = {}
  private openCount = 0
  private heldCount = 0
  private uncommittedCount = 0
  private mostInFlight = 0
  private sizeEach = 0

  /** `settled` is told whenever records leave the budget: settled, held or uncommitted. */
  constructor(private readonly settled: () => void = () => undefined) {}

  get read(): number {
    return this.readCount
  }
  get created(): number {
    return this.createdCount
  }
  get written(): number {
    return this.writtenCount
  }
  get dropped(): number {
    return this.droppedCount
  }
  get merged(): number {
    return this.mergedCount
  }
  get failed(): number {
    return this.failedCount
  }
  /** Dropped records by reason (a copy). */
  get droppedByReason(): Record<string, number> {
    return { ...this.byReason }
  }
  /** Records read or created, with no outcome, in no custody: what uses the budget. */
  get open(): number {
    return this.openCount
  }
  get held(): number {
    return this.heldCount
  }
  get uncommitted(): number {
    return this.uncommittedCount
  }
  /** The most records open at once. */
  get maxInFlight(): number {
    return this.mostInFlight
  }
  /** The approximate size in memory of a record read (a moving average), 0 if unknown. */
  get bytesPerRecord(): number {
    return this.sizeEach
  }

  /** Records read or created whose outcome is not recorded yet (open, held, uncommitted). */
  unsettled(): number {
    return this.openCount + this.heldCount + this.uncommittedCount
  }

  /** Records read or created that are out of the budget: settled, held or uncommitted. */
  released(): number {
    return this.readCount + this.createdCount - this.openCount
  }

  /** Records entered the run (a source). `bytes` (optional) is their approximate size in memory. */
  addRead(count: number, bytes = 0): void {
    this.readCount += count
    this.addOpen(count)
    if (bytes > 0) this.sizeEach = this.sizeEach * 0.9 + (bytes / count) * 0.1
  }

  /** Records made inside the run (an aggregate's rows, an rxjs operator's extra values). */
  addCreated(count: number): void {
    this.createdCount += count
    this.addOpen(count)
  }

  /** Open records have their outcome. */
  settleOpen(outcome: Outcome, count: number, reason?: string): void {
    if (count <= 0) return
    this.openCount -= count
    this.count(outcome, count, reason)
  }

  /** Records in custody have their outcome. */
  settleHeld(outcome: Outcome, count: number, reason?: string): void {
    if (count <= 0) return
    this.heldCount -= count
    this.count(outcome, count, reason)
  }

  /** Open records go into custody: their budget is released, their outcome comes later. */
  hold(count: number): void {
    this.openCount -= count
    this.heldCount += count
    this.settled()
  }

  /** Records in custody are open again (dedupe's kept records, emitted at the end). */
  release(count: number): void {
    this.heldCount -= count
    this.addOpen(count)
  }

  /** Open records reached a destination that is committed later: out of memory, no outcome yet. */
  toUncommitted(count: number): void {
    this.openCount -= count
    this.uncommittedCount += count
    this.settled()
  }

  /**
   * Uncommitted records are open again: they were kept where a checkpoint saved them (a webhook's
   * batch being filled) and now go on to their destination.
   */
  reopen(count: number): void {
    if (count <= 0) return
    this.uncommittedCount -= count
    this.addOpen(count)
  }

  /** The destination was committed: `count` uncommitted records are written. */
  commit(count: number): void {
    if (count <= 0) return
    this.uncommittedCount -= count
    this.count('written', count, undefined)
  }

  /**
   * Adds the figures of an earlier part of the same run — a checkpoint resumed from, when nothing
   * was open — so the report covers the whole run. Nothing becomes open; the records then in
   * custody are in custody again (their stage restored them).
   */
  addEarlier(earlier: LedgerFigures): void {
    this.readCount += earlier.read
    this.createdCount += earlier.created
    this.writtenCount += earlier.written
    this.droppedCount += earlier.dropped
    for (const [reason, count] of Object.entries(earlier.droppedByReason))
      this.byReason[reason] = (this.byReason[reason] ?? 0) + count
    this.mergedCount += earlier.merged
    this.failedCount += earlier.failed
    this.uncommittedCount += earlier.uncommitted
    this.heldCount += earlier.held ?? 0
  }

  /**
   * More outcomes than records read or created means records entered where nothing counted
   * them: they are counted as read now. Returns how many.
   */
  countUncounted(): number {
    if (this.openCount >= 0) return 0
    const uncounted = -this.openCount
    this.readCount += uncounted
    this.openCount = 0
    return uncounted
  }

  /** Closes the books: every record without an outcome is dropped with `reason`. */
  dropUnsettled(reason: string): void {
    this.settleOpen('dropped', this.openCount, reason)
    this.settleHeld('dropped', this.heldCount, reason)
    const uncommitted = this.uncommittedCount
    this.uncommittedCount = 0
    if (uncommitted > 0) this.count('dropped', uncommitted, reason)
  }

  private count(outcome: Outcome, count: number, reason: string | undefined): void {
    switch (outcome) {
      case 'written':
        this.writtenCount += count
        break
      case 'merged':
        this.mergedCount += count
        break
      case 'failed':
        this.failedCount += count
        break
      case 'dropped': {
        const key = reason ?? 'dropped'
        this.droppedCount += count
        this.byReason[key] = (this.byReason[key] ?? 0) + count
        break
      }
    }
    this.settled()
  }

  private addOpen(count: number): void {
    this.openCount += count
    // In flight means under the budget: records in custody are each holding stage's own figure.
    if (this.openCount > this.mostInFlight) this.mostInFlight = this.openCount
  }
}
