/**
 * A concurrency pool: at most `limit` units of work at once, the rest waiting in arrival order.
 * Work is started by the pool's `start` function, which says whether it took a place (it ends
 * later, with `finished()`) or was done without one (answered from a cache, say). The pool can
 * start paused (until something is ready: a lookup table loaded) and never re-enters `start`
 * from inside `start`: work that finishes synchronously frees its place for the loop running.
 *
 * Used by `enrich`'s lookups; made to serve any stage or sink that runs bounded concurrent work.
 *
 * @internal
 * @packageDocumentation
 */

/** How many started items the queue may have at its head before they are cut off. */
const COMPACT_AFTER = 1024

/** @internal */
export class ConcurrencyPool<T> {
  private queue: Array<T | undefined> = []
  private head = 0
  private running = 0
  private starting = false

  /**
   * `start` begins the work of one item and returns true if it took a place (then `finished()`
   * must be called once it ends), false if it was done at once without one.
   */
  constructor(
    private readonly limit: number,
    private readonly start: (item: T) => boolean,
    private paused = false,
  ) {
    if (!(limit >= 1))
      throw new RangeError(`a concurrency pool needs a limit of at least 1, not ${limit}`)
  }

  /** Units of work in progress. */
  get active(): number {
    return this.running
  }

  /** Items waiting for a place. */
  get waiting(): number {
    return this.queue.length - this.head
  }

  /** Whether every place is taken (or the pool is paused), so a new item would wait. */
  get full(): boolean {
    return this.paused || this.running >= this.limit || this.waiting > 0
  }

  /** Whether nothing runs or waits, and the pool is not paused. */
  get idle(): boolean {
    return !this.paused && this.running === 0 && this.waiting === 0
  }

  /** Adds an item: it starts now if a place is free and none waits before it, else it waits. */
  submit(item: T): void {
    this.queue.push(item)
    this.pump()
  }

  /** A unit of work that took a place ended: the next waiting item may start. */
  finished(): void {
    this.running -= 1
    this.pump()
  }

  /** Starts waiting items (the pool was paused). */
  resume(): void {
    this.paused = false
    this.pump()
  }

  /** Forgets the waiting items (the stage ended); work in progress is its owner's to cancel. */
  clear(): void {
    this.queue = []
    this.head = 0
  }

  private pump(): void {
    if (this.starting) return
    this.starting = true
    try {
      while (!this.paused && this.running < this.limit && this.head < this.queue.length) {
        const item = this.queue[this.head] as T
        this.queue[this.head] = undefined
        this.head += 1
        this.running += 1
        if (!this.start(item)) this.running -= 1
      }
      if (this.head === this.queue.length) {
        this.queue = []
        this.head = 0
      } else if (this.head > COMPACT_AFTER && this.head * 2 > this.queue.length) {
        // Work that never catches up keeps items waiting for the whole run.
        this.queue.splice(0, this.head)
        this.head = 0
      }
    } finally {
      this.starting = false
    }
  }
}
