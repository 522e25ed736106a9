/**
 * A DDSketch-style quantile sketch (Masson, Rim, Lee 2019): values fall into logarithmic buckets
 * whose bounds grow by γ = (1 + α) / (1 − α), so every quantile it returns is within a relative
 * error α of a value of the input (default α = 1 %). Memory is bounded: beyond `maxBuckets`
 * buckets per sign, the buckets nearest zero are merged, which costs accuracy only at the low end.
 *
 * @internal
 */
export class QuantileSketch {
  private readonly gamma: number
  private readonly logGamma: number
  private readonly positive = new Map<number, number>()
  private readonly negative = new Map<number, number>()
  private zeros = 0
  private total = 0

  constructor(
    readonly relativeAccuracy = 0.01,
    private readonly maxBuckets = 2048,
  ) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    this.logGamma = Math.log(this.gamma)
  }

  get count(): number {
    return this.total
  }

  add(value: number): void {
    this.total += 1
    if (value === 0 || Math.abs(value) < 1e-300) {
      this.zeros += 1
      return
    }
    const store = value > 0 ? this.positive : this.negative
    const key = Math.ceil(Math.log(Math.abs(value)) / this.logGamma)
    store.set(key, (store.get(key) ?? 0) + 1)
    if (store.size > this.maxBuckets) collapseLowest(store)
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

  /** Every bucket as [representative value, count], in ascending order of value. */
  buckets(): Array<[number, number]> {
    const out: Array<[number, number]> = []
    const negativeKeys = [...this.negative.keys()].sort((a, b) => b - a)
    for (const key of negativeKeys) out.push([-this.valueOf(key), this.negative.get(key) as number])
    if (this.zeros > 0) out.push([0, this.zeros])
    const positiveKeys = [...this.positive.keys()].sort((a, b) => a - b)
    for (const key of positiveKeys) out.push([this.valueOf(key), this.positive.get(key) as number])
    return out
  }

  /** The bucket's representative: the midpoint that keeps the relative error within α. */
  private valueOf(key: number): number {
    return (2 * this.gamma ** key) / (1 + this.gamma)
  }
}

function collapseLowest(store: Map<number, number>): void {
  let lowest = Infinity
  let next = Infinity
  for (const key of store.keys()) {
    if (key < lowest) {
      next = lowest
      lowest = key
    } else if (key < next) next = key
  }
  store.set(next, (store.get(next) ?? 0) + (store.get(lowest) ?? 0))
  store.delete(lowest)
}
