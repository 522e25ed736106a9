/**
 * Records that enter a run from plain rxjs code (rxjs `of`, a `Subject`, another library's
 * Observable of `Either`s). PowerFlow counts what its flows hand to plain code and what comes back
 * out of it: values beyond those handed in are new records, to be counted as read where they enter.
 *
 * @internal
 * @packageDocumentation
 */

/** @internal */
export class PlainEntries {
  /** A stage takes its input from plain rxjs code: records may enter the run there. */
  active = false
  private handedOut = 0
  private cameBack = 0
  private entered = 0

  /** A PowerFlow flow passed a value to plain rxjs code. */
  leftToPlain(): void {
    this.handedOut += 1
  }

  /**
   * A value reached a stage from plain rxjs code: true when it is a record entering the run
   * there (more values came out of plain code than PowerFlow flows put into it).
   */
  arrived(): boolean {
    this.cameBack += 1
    if (this.cameBack - this.entered <= this.handedOut) return false
    this.entered += 1
    return true
  }
}
