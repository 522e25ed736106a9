/**
 * A stage's own time: what its handlers take, less the time spent downstream in the stages its
 * emissions run synchronously. Used with the stage's {@link BusyClock}, which samples per-record
 * calls.
 *
 * @internal
 * @packageDocumentation
 */
import type { BusyClock } from './busyTime.js'

/** @internal */
export class OwnTime {
  private timing = false
  private spent = 0

  /** Whether to time the call about to be made ({@link start} / {@link stop}, then `addSample`). */
  samples(clock: BusyClock): boolean {
    return !this.timing && clock.sample()
  }

  /** Starts timing the stage's own work; returns the start for {@link stop}. */
  start(): number {
    this.timing = true
    this.spent = 0
    return performance.now()
  }

  /** The stage's own time since `started`, less the time spent downstream. */
  stop(started: number): number {
    this.timing = false
    return performance.now() - started - this.spent
  }

  /** Sends `value` downstream: the time it takes there is taken out of the time being measured. */
  send<T>(to: { next(value: T): void }, value: T): void {
    if (!this.timing) {
      to.next(value)
      return
    }
    const started = performance.now()
    to.next(value)
    this.spent += performance.now() - started
  }
}
