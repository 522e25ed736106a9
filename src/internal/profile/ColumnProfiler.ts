import type { ColumnProfile, ProfiledType } from '../../core/ColumnProfile.js'
import { HyperLogLog } from './HyperLogLog.js'
import { QuantileSketch } from './QuantileSketch.js'
import { SpaceSaving } from './SpaceSaving.js'
import { textKind, valueKind, type ValueKind } from './valueKind.js'

/** Settings shared by the columns of one profile. @internal */
export interface ColumnProfilerSettings {
  readonly topK: number
  readonly histogramBins: number
}

/**
 * Accumulates one column's profile in fixed memory: exact counters and running sums, plus a
 * HyperLogLog, a Space-Saving sketch and a quantile sketch.
 *
 * @internal
 */
export class ColumnProfiler {
  /** Records in which the column was present (any value). */
  private present = 0
  private empty = 0
  private readonly kinds: Record<ValueKind, number> = {
    integer: 0,
    number: 0,
    boolean: 0,
    date: 0,
    datetime: 0,
    email: 0,
    string: 0,
    object: 0,
  }
  private readonly distinct = new HyperLogLog()
  private hashing = false
  private readonly frequent: SpaceSaving
  private readonly sketch = new QuantileSketch()
  // Numeric values (numbers, and text that reads as one): Welford's running mean and variance.
  private numericCount = 0
  private numericMean = 0
  private numericM2 = 0
  private numericMin = Infinity
  private numericMax = -Infinity
  private lexicalMin: string | undefined
  private lexicalMax: string | undefined
  private lengthMin = Infinity
  private lengthMax = 0
  private lengthSum = 0

  constructor(
    readonly column: string,
    private readonly settings: ColumnProfilerSettings,
  ) {
    this.frequent = new SpaceSaving(Math.max(256, settings.topK * 32))
  }

  add(value: unknown): void {
    this.present += 1
    if (value === null || value === undefined || value === '') {
      this.empty += 1
      return
    }
    let text: string
    let kind: ValueKind
    if (typeof value === 'string') {
      text = value
      kind = textKind(value)
    } else {
      kind = valueKind(value)
      text = textOf(value)
    }
    this.kinds[kind] += 1
    // While the heavy-hitters sketch is exact it knows every distinct value, so the HyperLogLog
    // is only fed once that stops (with what it knew): low-cardinality columns never pay for it.
    if (this.hashing) this.distinct.add(text)
    else if (this.frequent.wouldDecrease(text)) {
      this.startHashing()
      this.distinct.add(text)
    }
    this.frequent.add(text)
    const length = text.length
    if (length < this.lengthMin) this.lengthMin = length
    if (length > this.lengthMax) this.lengthMax = length
    this.lengthSum += length
    if (this.lexicalMin === undefined || text < this.lexicalMin) this.lexicalMin = text
    if (this.lexicalMax === undefined || text > this.lexicalMax) this.lexicalMax = text
    if (kind === 'integer' || kind === 'number') {
      const number = typeof value === 'number' ? value : Number(text)
      if (Number.isFinite(number)) this.addNumber(number)
    }
  }

  private startHashing(): void {
    this.hashing = true
    for (const value of this.frequent.values()) this.distinct.add(value)
  }

  private addNumber(number: number): void {
    this.numericCount += 1
    const delta = number - this.numericMean
    this.numericMean += delta / this.numericCount
    this.numericM2 += delta * (number - this.numericMean)
    if (number < this.numericMin) this.numericMin = number
    if (number > this.numericMax) this.numericMax = number
    this.sketch.add(number)
  }

  /** The profile, given how many records the stage saw in all. */
  result(records: number): ColumnProfile {
    const missing = records - this.present + this.empty
    const filled = this.present - this.empty
    const { type, fitting } = inferType(this.kinds, filled)
    const types = Object.fromEntries(
      Object.entries(this.kinds).filter(([, count]) => count > 0),
    ) as ColumnProfile['types']
    const base = {
      column: this.column,
      count: records,
      missing,
      distinct: !this.hashing ? this.frequent.size : Math.min(this.distinct.estimate(), filled),
      topValues: this.frequent.top(this.settings.topK),
      topValuesExact: this.frequent.exact,
      type,
      typeShare: filled === 0 ? 0 : fitting / filled,
      types,
    }
    if (filled === 0) return base
    const length = {
      min: this.lengthMin,
      max: this.lengthMax,
      mean: this.lengthSum / filled,
    }
    const numeric = (type === 'integer' || type === 'number') && this.numericCount > 0
    if (!numeric)
      return {
        ...base,
        ...(this.lexicalMin === undefined ? {} : { min: this.lexicalMin }),
        ...(this.lexicalMax === undefined ? {} : { max: this.lexicalMax }),
        length,
      }
    return {
      ...base,
      min: this.numericMin,
      max: this.numericMax,
      mean: this.numericMean,
      stddev: Math.sqrt(this.numericM2 / this.numericCount),
      quantiles: {
        p50: this.clamp(this.sketch.quantile(0.5)),
        p95: this.clamp(this.sketch.quantile(0.95)),
        p99: this.clamp(this.sketch.quantile(0.99)),
      },
      histogram: this.histogram(),
      length,
    }
  }

  /** A sketch value kept within the exact range seen. */
  private clamp(value: number | undefined): number {
    const v = value ?? this.numericMin
    return Math.min(this.numericMax, Math.max(this.numericMin, v))
  }

  private histogram(): Array<{ from: number; to: number; count: number }> {
    const low = this.numericMin
    const high = this.numericMax
    const bins = high === low ? 1 : this.settings.histogramBins
    const width = (high - low) / bins
    const counts = Array.from({ length: bins }, () => 0)
    for (const [value, count] of this.sketch.buckets()) {
      const index = width === 0 ? 0 : Math.floor((this.clamp(value) - low) / width)
      const slot = Math.min(bins - 1, Math.max(0, index))
      counts[slot] = (counts[slot] as number) + count
    }
    return counts.map((count, index) => ({
      from: low + index * width,
      to: index === bins - 1 ? high : low + (index + 1) * width,
      count,
    }))
  }
}

function textOf(value: unknown): string {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? String(value)
    } catch {
      return Object.prototype.toString.call(value)
    }
  }
  return String(value)
}

/** The family with the most values wins: numbers (integers with them), dates with datetimes. */
function inferType(
  kinds: Record<ValueKind, number>,
  filled: number,
): { type: ProfiledType; fitting: number } {
  if (filled === 0) return { type: 'empty', fitting: 0 }
  const numbers = kinds.integer + kinds.number
  const dates = kinds.date + kinds.datetime
  const candidates: Array<[ProfiledType, number]> = [
    [kinds.number === 0 ? 'integer' : 'number', numbers],
    [kinds.datetime === 0 ? 'date' : 'datetime', dates],
    ['boolean', kinds.boolean],
    ['email', kinds.email],
    ['object', kinds.object],
    ['string', kinds.string],
  ]
  let best: [ProfiledType, number] = ['string', -1]
  for (const candidate of candidates) if (candidate[1] > best[1]) best = candidate
  // Text holds anything: a column that is mostly text is text, and all its values fit.
  if (best[0] === 'string') return { type: 'string', fitting: filled }
  return { type: best[0], fitting: best[1] }
}
