/**
 * A stage's busy time: the time spent in its own handlers (not in the stages downstream that its
 * emissions run synchronously) and in the work it awaits. Reading the clock costs about as much
 * as a simple stage's work on one record, so per-record handlers are timed on a sample — every
 * call at first, then one call in {@link SAMPLE_EVERY} — and the average is applied to every
 * call; work timed once (a completion, an awaited batch) is added as measured.
 *
 * @internal
 * @packageDocumentation
 */

/** After the first calls, one call in this many is timed. @internal */
export const SAMPLE_EVERY = 16

/** @internal */
export class BusyClock {
  private exactMs = 0
  private sampledMs = 0
  private samples = 0
  private calls = 0
  private countdown = 0
  private measured = false

  /** A handler is about to be called: whether to time it (then {@link addSample}). */
  sample(): boolean {
    this.calls += 1
    if (this.calls <= SAMPLE_EVERY) return true
    if (--this.countdown > 0) return false
    this.countdown = SAMPLE_EVERY
    return true
  }

  /** The time of a sampled call, downstream time taken out. */
  addSample(ms: number): void {
    this.sampledMs += Math.max(0, ms)
    this.samples += 1
    this.measured = true
  }

  private spanEnd = 0

  /** Time measured in full (not sampled). */
  add(ms: number): void {
    this.exactMs += Math.max(0, ms)
    this.measured = true
  }

  /**
   * Awaited work from `start` to `end` (`performance.now()` times). Spans that overlap (a sink's
   * last write and its end, which awaits it) count once.
   */
  addSpan(start: number, end: number): void {
    const from = Math.max(start, this.spanEnd)
    if (end > from) this.exactMs += end - from
    if (end > this.spanEnd) this.spanEnd = end
    this.measured = true
  }

  /** The busy time so far, in ms; undefined for a stage that never measured any. */
  get ms(): number | undefined {
    if (!this.measured) return undefined
    const average = this.samples === 0 ? 0 : this.sampledMs / this.samples
    return this.exactMs + average * this.calls
  }
}
