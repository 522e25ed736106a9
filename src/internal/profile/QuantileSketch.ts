/**
 * A DDSketch-style quantile sketch (Masson, Rim, Lee 2019): values fall into logarithmic buckets
 * whose bounds grow by γ = (1 + α) / (1 − α), so every quantile it returns is within a relative
 * error α of the value of that rank in the input (default α = 1 %). Memory is bounded: at most
 * `maxBuckets` buckets per sign; beyond that the buckets nearest zero are merged, which costs
 * accuracy only at the low end. The highest buckets live in a dense array (2048 of them cover 17
 * orders of magnitude), so an insert is mostly one logarithm and one array increment.
 *
 * @internal
 */
export class QuantileSketch {
  private readonly gamma: number
  private readonly inverseLogGamma: number
  private readonly positive: BucketWindow
  private readonly negative: BucketWindow
  private zeros = 0
  private total = 0
  /** The key of the last magnitude looked up with a logarithm (see keyOf); none at first. */
  private lastKey = 0x3fffffff
  /**
   * Magnitudes within `cachedRadius` of `cachedCenter` have the key `cachedKey` (none at first): one
   * comparison, which a column whose values are far apart fails predictably.
   */
  private cachedKey = 0
  private cachedCenter = Number.NaN
  private cachedRadius = 0

  constructor(
    readonly relativeAccuracy = 0.01,
    maxBuckets = 2048,
  ) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    this.inverseLogGamma = 1 / Math.log(this.gamma)
    this.positive = new BucketWindow(maxBuckets)
    this.negative = new BucketWindow(maxBuckets)
  }

  get count(): number {
    return this.total
  }

  /** Adds `value` (finite) `weight` times (default once). */
  add(value: number, weight = 1): void {
    this.total += weight
    if (value > 1e-300) this.positive.add(this.keyOf(value), weight)
    else if (value < -1e-300) this.negative.add(this.keyOf(-value), weight)
    else this.zeros += weight
  }

  /**
   * The bucket key of a magnitude, ⌈log(magnitude) / log γ⌉. Magnitudes within the interior of the
   * bucket of the last key looked up twice in a row get that key without a logarithm: a rising
   * column (ids, timestamps as numbers) stays in one bucket for many values. The interior keeps
   * 10⁻⁷ of a key's width from either bound, far more than the error of `Math.log` and of the
   * product (about 10⁻¹¹ of a key at the largest doubles) or of its centre and radius, so a
   * magnitude inside it has the key the logarithm gives; both ends are checked by it once.
   */
  private keyOf(magnitude: number): number {
    if (Math.abs(magnitude - this.cachedCenter) <= this.cachedRadius) return this.cachedKey
    const key = Math.ceil(Math.log(magnitude) * this.inverseLogGamma) | 0
    if (key === this.lastKey) this.cacheInterior(key)
    this.lastKey = key
    return key
  }

  private cacheInterior(key: number): void {
    const inverse = this.inverseLogGamma
    const low = Math.exp((key - 1 + 1e-7) / inverse)
    const high = Math.exp((key - 1e-7) / inverse)
    if (Math.ceil(Math.log(low) * inverse) !== key || Math.ceil(Math.log(high) * inverse) !== key)
      return
    this.cachedKey = key
    this.cachedCenter = (low + high) / 2
    this.cachedRadius = (high - low) / 2
  }

  /** The value at quantile `q` (0 ≤ q ≤ 1), or undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined
    const rank = q * (this.total - 1)
    let seen = 0
    for (const [value, count] of this.buckets()) {
      seen += count
      if (seen > rank) return value
    }
    return undefined
  }

  /** Every non-empty bucket as [representative value, count], in ascending order of value. */
  buckets(): Array<[number, number]> {
    const out: Array<[number, number]> = []
    const negative = this.negative.entries()
    for (let i = negative.length - 1; i >= 0; i--) {
      const [key, count] = negative[i] as [number, number]
      out.push([-this.valueOf(key), count])
    }
    if (this.zeros > 0) out.push([0, this.zeros])
    for (const [key, count] of this.positive.entries()) out.push([this.valueOf(key), count])
    return out
  }

  /** The bucket's representative: the midpoint that keeps the relative error within α. */
  private valueOf(key: number): number {
    return (2 * this.gamma ** key) / (1 + this.gamma)
  }
}

/**
 * Counts per integer bucket key: a dense array over a window of up to `size` consecutive keys (the
 * highest seen; an insert there is one increment), and a `Map` for the keys below it. At most
 * `size` buckets are kept in all: beyond that the two lowest are merged.
 */
class BucketWindow {
  private counts: Float64Array = new Float64Array(0)
  /** The key of `counts[0]`. */
  private offset = 0
  private lowest = Infinity
  private highest = -Infinity
  private readonly below = new Map<number, number>()
  /** Non-empty buckets in `counts`. */
  private occupied = 0

  constructor(private readonly size: number) {}

  add(key: number, weight: number): void {
    const index = key - this.offset
    if (index >= 0 && index < this.counts.length) {
      const count = this.counts[index] as number
      this.counts[index] = count + weight
      if (count === 0) {
        this.occupied += 1
        if (key < this.lowest) this.lowest = key
        if (key > this.highest) this.highest = key
        if (this.below.size > 0 && this.below.size + this.occupied > this.size) this.mergeLowest()
      }
      return
    }
    if (index < 0 && this.counts.length === this.size) this.addBelow(key, weight)
    else {
      this.place(key)
      this.add(key, weight)
    }
  }

  private addBelow(key: number, count: number): void {
    this.below.set(key, (this.below.get(key) ?? 0) + count)
    if (this.below.size + this.occupied > this.size) this.mergeLowest()
  }

  /** Lays the window out again so that `key` fits: grown while it can, else ending at `key`. */
  private place(key: number): void {
    const lowest = Math.min(this.lowest, key)
    const highest = Math.max(this.highest, key)
    const span = highest - lowest + 1
    const length = Math.min(this.size, Math.max(64, span * 2))
    const offset = span <= length ? lowest - Math.floor((length - span) / 2) : highest - length + 1
    const counts = new Float64Array(length)
    const old = this.counts
    const oldOffset = this.offset
    let lowestKept = Infinity
    let occupied = 0
    for (let key = this.lowest; key <= this.highest; key++) {
      const count = old[key - oldOffset] as number
      if (count === 0) continue
      if (key < offset) this.below.set(key, count)
      else {
        counts[key - offset] = count
        occupied += 1
        if (key < lowestKept) lowestKept = key
      }
    }
    this.counts = counts
    this.offset = offset
    this.occupied = occupied
    this.lowest = lowestKept
    if (occupied === 0) this.highest = -Infinity
    while (this.below.size + this.occupied > this.size) this.mergeLowest()
  }

  /** Merges the lowest bucket below the window into the next lowest (below or in the window). */
  private mergeLowest(): void {
    let lowest = Infinity
    let next = Infinity
    for (const key of this.below.keys()) {
      if (key < lowest) {
        next = lowest
        lowest = key
      } else if (key < next) next = key
    }
    const count = this.below.get(lowest) as number
    this.below.delete(lowest)
    if (next !== Infinity) this.below.set(next, (this.below.get(next) as number) + count)
    else {
      const index = this.lowest - this.offset
      this.counts[index] = (this.counts[index] as number) + count
    }
  }

  /** The non-empty buckets as [key, count], ascending by key. */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = [...this.below].sort((a, b) => a[0] - b[0])
    for (let key = this.lowest; key <= this.highest; key++) {
      const count = this.counts[key - this.offset] as number
      if (count > 0) out.push([key, count])
    }
    return out
  }
}
