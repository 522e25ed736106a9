/**
 * A concurrency pool: at most `limit` units of work at once, the rest waiting in arrival order.
 * Work is started by the pool's `start` function, which says whether it took a place (it ends
 * later, with `finished()`) or was done without one (answered from a cache, say). The pool can
 * start paused (until something is ready: a lookup table loaded) and never re-enters `start`
 * from inside `start`: work that finishes synchronously frees its place for the loop running.
 *
 * Used by `enrich`'s lookups and by the batching sinks (`toWebhook`, `toHubSpot`, `toSalesforce`,
 * `defineSink`), whose batches are promises: {@link ConcurrencyPool.ofPromises} builds a pool for those.
 *
 * @internal
 * @packageDocumentation
 */

/** How many started items the queue may have at its head before they are cut off. */
const COMPACT_AFTER = 1024

/** What the run is told about each unit of promised work in progress. @internal */
export interface WorkTracker {
  beginWork(): void
  endWork(): void
}

/** @internal */
export class ConcurrencyPool<T> {
  private queue: Array<T | undefined> = []
  private head = 0
  private running = 0
  private starting = false
  private idleWaiters: Array<() => void> = []

  /**
   * A pool whose work is a promise: `run` starts an item's work and returns its promise (the
   * place is held until it settles; a rejection only frees the place, so `run` should report its
   * own failures), or `undefined` when there is nothing to do (the sink was aborted, say). Each
   * item counts as `work` (the run's work in progress) from just before `run` until its promise
   * settles (or at once, when `run` had nothing to do).
   */
  static ofPromises<T>(
    limit: number,
    run: (item: T) => Promise<unknown> | undefined,
    work?: WorkTracker,
  ): ConcurrencyPool<T> {
    const pool: ConcurrencyPool<T> = new ConcurrencyPool<T>(limit, (item) => {
      work?.beginWork()
      const running = run(item)
      if (running === undefined) {
        work?.endWork()
        return false
      }
      const settled = (): void => {
        work?.endWork()
        pool.finished()
      }
      running.then(settled, settled)
      return true
    })
    return pool
  }

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
    this.wakeIfIdle()
  }

  /**
   * Resolves once nothing runs or waits (at once if so now), work started meanwhile included;
   * a paused pool is not idle until resumed and drained.
   */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private wakeIfIdle(): void {
    if (!this.idle || this.idleWaiters.length === 0) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const wake of waiters) wake()
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
    this.wakeIfIdle()
  }
}
