/**
 * A heavy-hitters sketch with at most `capacity` counters: the Misra–Gries "Frequent" algorithm
 * (Misra and Gries 1982; Karp, Shenker, Papadimitriou 2003) over an open-addressing table keyed by
 * the value's 32-bit hash, which the caller has already computed for its HyperLogLog, so a value
 * costs one probe and no string hashing of its own.
 *
 * When a new value finds no free counter, every counter is decreased (by the newcomer's weight, or
 * the smallest count if less) and those at zero are freed (amortised O(1) per value: the decreases
 * never outnumber the weight added). Each count then over-states its value's true (weighted) count
 * by at most {@link error} (the sum of such decreases), never under-states it, and every value whose
 * count exceeds n / (capacity + 1) of a total weight n holds a counter.
 *
 * @internal
 */
export class HeavyHitters {
  private readonly mask: number
  private readonly keys: Array<string | undefined>
  private readonly hashes: Int32Array
  private readonly counts: Float64Array
  /** The occupied slots, `held` of them: a decrease visits these, not every slot. */
  private readonly occupied: Int32Array
  private held = 0
  /** Scratch space of {@link decreaseAll}: the counters that survive a decrease. */
  private readonly keptValues: Array<string | undefined>
  private readonly keptHashes: Int32Array
  private readonly keptCounts: Float64Array
  /** How many times every counter was decreased: the bound on each count's error. */
  private decrements = 0

  constructor(private readonly capacity: number) {
    let slots = 4
    while (slots < capacity * 2) slots *= 2
    this.mask = slots - 1
    this.keys = Array.from<string | undefined>({ length: slots })
    this.hashes = new Int32Array(slots)
    this.counts = new Float64Array(slots)
    this.occupied = new Int32Array(capacity)
    this.keptValues = Array.from<string | undefined>({ length: capacity })
    this.keptHashes = new Int32Array(capacity)
    this.keptCounts = new Float64Array(capacity)
  }

  /** Counts `weight` (a positive integer, default 1) occurrences of `value`, whose 32-bit hash is `hash`. */
  add(value: string, hash: number, weight = 1): void {
    const key = hash | 0
    let slot = this.slotOf(value, key)
    if (this.keys[slot] !== undefined) {
      this.counts[slot] = (this.counts[slot] as number) + weight
      return
    }
    let remaining = weight
    // No free counter: the newcomer and as many occurrences of every held value cancel out,
    // as far as the smallest count allows; whatever is left of the newcomer takes a freed counter.
    while (this.held >= this.capacity) {
      const cancelled = remaining === 1 ? 1 : Math.min(remaining, this.smallest())
      this.decreaseAll(cancelled)
      remaining -= cancelled
      if (remaining === 0) return
      slot = this.slotOf(value, key)
    }
    this.put(slot, value, key, remaining)
  }

  private smallest(): number {
    let least = Infinity
    for (let index = 0; index < this.held; index++) {
      const count = this.counts[this.occupied[index] as number] as number
      if (count < least) least = count
    }
    return least
  }

  /**
   * Starts the count of a value not held yet at `count`: for handing over exact counts, so at most
   * `capacity` values and none twice.
   */
  seed(value: string, hash: number, count: number): void {
    const key = hash | 0
    const slot = this.slotOf(value, key)
    if (this.keys[slot] !== undefined || this.held >= this.capacity)
      throw new RangeError('HeavyHitters.seed: the value is held already, or no counter is free')
    this.put(slot, value, key, count)
  }

  /** The slot holding `value`, or the free slot where it would go (linear probing). */
  private slotOf(value: string, key: number): number {
    const keys = this.keys
    let slot = key & this.mask
    for (;;) {
      const held = keys[slot]
      if (held === undefined || (this.hashes[slot] === key && held === value)) return slot
      slot = (slot + 1) & this.mask
    }
  }

  private put(slot: number, value: string, key: number, count: number): void {
    this.keys[slot] = value
    this.hashes[slot] = key
    this.counts[slot] = count
    this.occupied[this.held] = slot
    this.held += 1
  }

  /** Decreases every counter by `by`, frees those at zero and lays the table out again. */
  private decreaseAll(by: number): void {
    this.decrements += by
    const { keys, hashes, counts, occupied, keptValues, keptHashes, keptCounts } = this
    let kept = 0
    for (let index = 0; index < this.held; index++) {
      const slot = occupied[index] as number
      const count = (counts[slot] as number) - by
      if (count > 0) {
        keptValues[kept] = keys[slot]
        keptHashes[kept] = hashes[slot] as number
        keptCounts[kept] = count
        kept += 1
      }
      keys[slot] = undefined
    }
    this.held = 0
    for (let index = 0; index < kept; index++) {
      const value = keptValues[index] as string
      const key = keptHashes[index] as number
      this.put(this.slotOf(value, key), value, key, keptCounts[index] as number)
      keptValues[index] = undefined
    }
  }

  /** How many distinct values it holds. */
  get size(): number {
    return this.held
  }

  /** The bound on every count's over-statement: how often all counters were decreased by one. */
  get error(): number {
    return this.decrements
  }

  /**
   * The `k` values with the largest counts, largest first (ties by value), each with its count
   * (an upper bound of the true count) and its possible error.
   */
  top(
    k: number,
  ): Array<{ readonly value: string; readonly count: number; readonly error: number }> {
    const error = this.decrements
    const entries: Array<[string, number]> = []
    for (let slot = 0; slot <= this.mask; slot++) {
      const held = this.keys[slot]
      if (held !== undefined) entries.push([held, this.counts[slot] as number])
    }
    return entries
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, k)
      .map(([value, count]) => ({ value, count: count + error, error }))
  }
}
