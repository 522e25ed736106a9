/**
 * A heavy-hitters sketch with at most `capacity` counters: the Misra–Gries "Frequent" algorithm
 * (Misra and Gries 1982; Karp, Shenker, Papadimitriou 2003). While no more distinct values than
 * that have been seen, the counts are exact. After that, when a new value finds no free counter,
 * every counter is decreased by one (amortised O(1) per value); each reported `count` then
 * over-states its value's true count by at most its `error` (the decreases so far), never
 * under-states it, and every value occurring more than n / (capacity + 1) times is sure to hold a
 * counter.
 *
 * @internal
 */
export class SpaceSaving {
  private readonly counters = new Map<string, number>()
  /** How many times every counter was decreased: the bound on each count's error. */
  private decrements = 0

  constructor(private readonly capacity: number) {}

  add(value: string): void {
    const counters = this.counters
    const count = counters.get(value)
    if (count !== undefined) {
      counters.set(value, count + 1)
      return
    }
    if (counters.size < this.capacity) {
      counters.set(value, 1)
      return
    }
    // No free counter: the newcomer and one occurrence of every held value cancel out.
    this.decrements += 1
    for (const [held, heldCount] of counters)
      if (heldCount === 1) counters.delete(held)
      else counters.set(held, heldCount - 1)
  }

  /** How many distinct values it holds; while {@link exact}, every distinct value seen. */
  get size(): number {
    return this.counters.size
  }

  /** Whether adding `value` would decrease the counters (they are all taken, none by it). */
  wouldDecrease(value: string): boolean {
    return this.counters.size >= this.capacity && !this.counters.has(value)
  }

  /** The values it holds. */
  values(): IterableIterator<string> {
    return this.counters.keys()
  }

  /** Whether every count is exact (no counter was ever decreased). */
  get exact(): boolean {
    return this.decrements === 0
  }

  /**
   * The `k` values with the largest counts, largest first (ties by value), each with its count
   * (an upper bound of the true count) and its possible error.
   */
  top(
    k: number,
  ): Array<{ readonly value: string; readonly count: number; readonly error: number }> {
    const error = this.decrements
    return [...this.counters]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, k)
      .map(([value, count]) => ({ value, count: count + error, error }))
  }
}
