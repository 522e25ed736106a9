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

  /** Runs the stage's own `work`, timed into `clock` if the clock samples this call. */
  sampled(clock: BusyClock, work: () => void): void {
    if (this.timing || !clock.sample()) {
      work()
      return
    }
    const started = this.start()
    try {
      work()
    } finally {
      clock.addSample(this.stop(started))
    }
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
