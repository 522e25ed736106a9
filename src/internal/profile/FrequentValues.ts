import { HeavyHitters } from './HeavyHitters.js'
import { HyperLogLog } from './HyperLogLog.js'
import { textHash } from './textHash.js'
import { detached } from './detached.js'

/** A value and how often it occurred (see {@link FrequentValues.top} for the bounds). @internal */
export interface FrequentValue {
  readonly value: string
  readonly count: number
  readonly error: number
}

/**
 * What the exact phase keeps per distinct value: its count, and what the caller read from it
 * once (its kind code, -1 until read, and its number), so a repeated value is not read again.
 *
 * @internal
 */
export interface ExactEntry {
  count: number
  /** Occurrences the caller has yet to fold into its figures (it counts and clears them). */
  textCount: number
  kind: number
  number: number
}

/**
 * One column's distinct count and most frequent values, in fixed memory.
 *
 * Up to `capacity` distinct values it counts them in a `Map` (exact figures, and the caller keeps
 * what it read from each value in its entry). The first value beyond that hands the counts over to
 * a Misra–Gries table and every distinct value so far to a HyperLogLog; from then on the caller
 * hashes every value once and the hash feeds the HyperLogLog ({@link addHash}), and the
 * Misra–Gries table the values it passes to {@link addFrequent} (all of them, or a weighted sample).
 *
 * @internal
 */
export class FrequentValues {
  private exactCounts: ExactTable | undefined
  private distinctSketch: HyperLogLog | undefined
  private frequent: HeavyHitters | undefined
  /** Weight given to sampled values (1 while every value is counted). */
  private samplingWeight = 1

  /**
   * @param capacity - distinct values counted exactly, and counters of the Misra–Gries table
   * @param fold - given the exact entries when the exact phase ends, and by {@link foldExact}
   */
  constructor(
    private readonly capacity: number,
    private readonly fold: (entries: ReadonlyArray<readonly [string, ExactEntry]>) => void = () =>
      undefined,
  ) {
    this.exactCounts = new ExactTable(capacity)
  }

  /** Hands the exact entries to `fold` (while exact): for a result mid-way or at the end. */
  foldExact(): void {
    if (this.exactCounts !== undefined) this.fold(this.exactCounts.entries())
  }

  /**
   * Counts `value` while exact and returns its entry (a new one has `count` 1 and `kind` -1);
   * once sketching, returns undefined: then call {@link addHash} with its hash, and
   * {@link addFrequent} for the values that should count towards the most frequent ones.
   */
  entry(value: string): ExactEntry | undefined {
    const exact = this.exactCounts
    if (exact !== undefined) {
      const found = exact.entry(value)
      if (found !== undefined) return found
      this.startSketching(exact)
    }
    return undefined
  }

  /** Once sketching: counts a value by its 32-bit hash towards the distinct estimate. */
  addHash(hash: number): void {
    ;(this.distinctSketch as HyperLogLog).addHash(hash)
  }

  /** Once sketching: counts `weight` occurrences of `value` (whose hash is `hash`). */
  addFrequent(value: string, hash: number, weight: number): void {
    if (weight > this.samplingWeight) this.samplingWeight = weight
    ;(this.frequent as HeavyHitters).add(value, hash, weight)
  }

  private startSketching(exact: ExactTable): void {
    this.fold(exact.entries())
    const distinct = new HyperLogLog()
    const frequent = new HeavyHitters(this.capacity)
    const slot = { value: 0, digits: 0, shape: -1 }
    for (const [value, { count }] of exact.entries()) {
      const hash = textHash(value, slot)
      distinct.addHash(hash)
      frequent.seed(value, hash, count)
    }
    this.distinctSketch = distinct
    this.frequent = frequent
    this.exactCounts = undefined
  }

  /** Whether the figures are exact: no more than `capacity` distinct values so far. */
  get exact(): boolean {
    return this.exactCounts !== undefined
  }

  /** Whether every count {@link top} gives is exact (counted, never decreased, never sampled). */
  get topExact(): boolean {
    return this.frequent === undefined || (this.frequent.error === 0 && this.samplingWeight === 1)
  }

  /** The number of distinct values: exact while {@link exact}, else estimated (at most `filled`). */
  distinct(filled: number): number {
    if (this.exactCounts !== undefined) return this.exactCounts.size
    return Math.min((this.distinctSketch as HyperLogLog).estimate(), filled)
  }

  /**
   * The `k` most frequent values, most frequent first (ties by value). Counting every value,
   * `count` over-states the true count by at most `error` and never under-states it. With sampled
   * values of weight w, `error` also holds three standard deviations of the sampling error,
   * 3·√(count·(w − 1)), and the true count lies within `count` ± `error`.
   */
  top(k: number): FrequentValue[] {
    if (this.frequent === undefined)
      return (this.exactCounts as ExactTable)
        .entries()
        .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, k)
        .map(([value, { count }]) => ({ value, count, error: 0 }))
    const spread = this.samplingWeight - 1
    return this.frequent.top(k).map(({ value, count, error }) => ({
      value,
      count,
      error: spread === 0 ? error : Math.ceil(error + 3 * Math.sqrt(count * spread)),
    }))
  }
}

/**
 * The exact phase's table: up to `capacity` distinct values with their entries, in open
 * addressing keyed by a hash of the length and five characters of the value (no pass over the
 * whole text, as hashing it would take); values that share those probe on and are told apart by
 * comparing the text.
 */
class ExactTable {
  private readonly mask: number
  private readonly keys: Array<string | undefined>
  private readonly values: Array<ExactEntry | undefined>
  size = 0

  constructor(private readonly capacity: number) {
    let slots = 16
    while (slots < capacity * 3) slots *= 2
    this.mask = slots - 1
    this.keys = Array.from<string | undefined>({ length: slots })
    this.values = Array.from<ExactEntry | undefined>({ length: slots })
  }

  /** Counts `text` and returns its entry, or undefined (nothing counted) when it is new and the table full. */
  entry(text: string): ExactEntry | undefined {
    const keys = this.keys
    const last = text.length - 1
    // Every read within the text (one past the end would slow every later read here; see
    // scanNumber): the one-character and empty texts take the second branch.
    let hash =
      last >= 1
        ? Math.imul(last, 0x9e3779b1) ^
          Math.imul(text.charCodeAt(0), 0x85ebca77) ^
          Math.imul(text.charCodeAt(last), 0xc2b2ae3d) ^
          Math.imul(text.charCodeAt(last - 1), 0x27d4eb2f) ^
          Math.imul(text.charCodeAt(last >> 1), 0x165667b1) ^
          Math.imul(text.charCodeAt(last >> 2), 0x61c88647)
        : last === 0
          ? Math.imul(text.charCodeAt(0), 0x85ebca77)
          : 0
    hash ^= hash >>> 15
    let slot = hash & this.mask
    for (;;) {
      const key = keys[slot]
      if (key === undefined) break
      if (key === text) {
        const found = this.values[slot] as ExactEntry
        found.count += 1
        return found
      }
      slot = (slot + 1) & this.mask
    }
    if (this.size >= this.capacity) return undefined
    const created = { count: 1, textCount: 0, kind: -1, number: 0 }
    keys[slot] = detached(text)
    this.values[slot] = created
    this.size += 1
    return created
  }

  entries(): Array<[string, ExactEntry]> {
    const out: Array<[string, ExactEntry]> = []
    for (let slot = 0; slot <= this.mask; slot++) {
      const key = this.keys[slot]
      if (key !== undefined) out.push([key, this.values[slot] as ExactEntry])
    }
    return out
  }
}
