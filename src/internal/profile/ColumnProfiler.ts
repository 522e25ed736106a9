import type { ColumnProfile, ProfiledType } from '../../core/ColumnProfile.js'
import { detached } from './detached.js'
import { FrequentValues, type ExactEntry } from './FrequentValues.js'
import { hashString } from './HyperLogLog.js'
import { QuantileSketch } from './QuantileSketch.js'
import { textHash } from './textHash.js'
import {
  KINDS,
  NUMBER,
  numberTextHash,
  readNumber,
  scanNonNumericText,
  scanText,
  valueKindCode,
  type NumberSlot,
  type ValueKind,
} from './valueKind.js'

/** Settings shared by the columns of one profile. @internal */
export interface ColumnProfilerSettings {
  readonly topK: number
  readonly histogramBins: number
}

/**
 * Values of a column with more distinct values than the exact table holds are all counted up to
 * this many; beyond it the costly parts see a deterministic sample of one value in
 * {@link SAMPLE_EVERY}, each standing for that many. @internal
 */
export const SAMPLE_AFTER = 65_536
/** @internal */
export const SAMPLE_EVERY = 8
/** Values of a column added together (see {@link ColumnProfiler.push}). @internal */
export const BATCH = 128

/**
 * Accumulates one column's profile in fixed memory.
 *
 * Exact on every value: presence and emptiness, length, lexical min/max, and every number (min,
 * max, Welford's mean and variance). While the column has at most `capacity` distinct values
 * ({@link FrequentValues}' exact phase) a value is read once, when first seen: its entry keeps its
 * kind and number, and every figure stays exact. Beyond that, every value is hashed for the
 * distinct estimate, every number goes into the quantile sketch, and text that may be a number or
 * a date (first character a digit, sign or point) is still read every time; after
 * {@link SAMPLE_AFTER} values, the rest (the shape of other text, the most frequent values) sees a
 * seeded 1-in-{@link SAMPLE_EVERY} sample, each sampled value weighing {@link SAMPLE_EVERY}.
 * Values {@link ColumnProfiler.push}ed wait in a batch of at most {@link BATCH} (references, not
 * copies) until the batch is full or a result is asked for.
 *
 * @internal
 */
export class ColumnProfiler {
  /** Records in which the column was present (any value). */
  private present = 0
  private empty = 0
  private filled = 0
  /** Non-missing values per kind code (weighted once sampling). */
  private readonly kinds = new Float64Array(KINDS.length)
  private readonly values: FrequentValues
  private readonly sketch = new QuantileSketch()
  private readonly number: NumberSlot = { value: 0, digits: 0, shape: -1 }
  /** xorshift32 state of the sampling choice: the same seed everywhere, so runs repeat. */
  private random = 0x2545f491
  private sampling = false
  // Numeric values (numbers, and text that reads as one): sums shifted by the first one, which
  // keeps the variance accurate (no cancellation when the values sit far from zero) without a
  // division per value.
  private numericCount = 0
  private shift = 0
  private shiftedSum = 0
  private shiftedSquares = 0
  private numericMin = Infinity
  private numericMax = -Infinity
  private lexicalMin: string | undefined
  private lexicalMax: string | undefined
  /** Code unit triples of the lexical min and max (see addLexical); ±Infinity before any value. */
  private readonly minUnits = new Float64Array(LEXICAL_LEVELS).fill(Infinity)
  private readonly maxUnits = new Float64Array(LEXICAL_LEVELS).fill(-Infinity)
  private lengthMin = Infinity
  private lengthMax = 0
  private lengthSum = 0
  /**
   * Values {@link push}ed and not added yet: the first `pendingCount`. A new array for each batch:
   * one that had lived long (in V8's old generation) takes every newly parsed text through the
   * write barrier's slow path and the next scavenge's remembered set (in a CPU profile of bench
   * scenario 7, a new array per batch about halved the samples in both).
   */
  private pending = newBatch()
  private pendingCount = 0

  constructor(
    readonly column: string,
    private readonly settings: ColumnProfilerSettings,
  ) {
    this.values = new FrequentValues(Math.max(256, settings.topK * 32), (entries) =>
      this.fold(entries),
    )
  }

  /**
   * Adds `value` later, with the next values of the column ({@link BATCH} at a time): one column's
   * sketches, tables and code then stay in the processor's cache while a batch updates them, where
   * a value at a time, between the parser's and the writer's work on each record, found them
   * evicted (about a third of the profile's cost in scenario 7). {@link result} adds what is
   * pending first. An object is added at once, after what is pending, as it could still change;
   * text and other primitives cannot.
   */
  push(value: unknown): void {
    if (typeof value === 'object' && value !== null) {
      this.flush()
      this.add(value)
      return
    }
    this.pending[this.pendingCount] = value
    if (++this.pendingCount === BATCH) this.flush()
  }

  private flush(): void {
    const pending = this.pending
    const count = this.pendingCount
    this.pending = newBatch()
    this.pendingCount = 0
    for (let index = 0; index < count; index++) this.add(pending[index])
  }

  add(value: unknown): void {
    this.present += 1
    if (typeof value === 'string') {
      if (value === '') this.empty += 1
      else this.addText(value)
    } else if (value === null || value === undefined) this.empty += 1
    else {
      // A value that is not text has its kind (and number) by its type, and its text for the rest.
      const kind = valueKindCode(value)
      if (kind <= NUMBER) this.number.value = Number(value)
      const text = textOf(value)
      if (this.values.entry(text) !== undefined) this.addEach(text, kind)
      else this.addSketched(text, kind)
    }
  }

  /**
   * Text while the column is exact: counted in its entry, and read only the first time it is
   * seen; its share of every figure is added when the entries are folded in ({@link fold}).
   */
  private addText(text: string): void {
    const entry = this.values.entry(text)
    if (entry === undefined) this.addSketched(text, -1)
    else {
      entry.textCount += 1
      if (entry.kind < 0) {
        entry.kind = scanText(text, this.number)
        entry.number = this.number.value
      }
    }
  }

  /**
   * Adds the text occurrences counted in the exact entries to every figure, as if added one by
   * one (sums in another order), and clears them: when the exact phase ends, and for a result.
   */
  private fold(entries: ReadonlyArray<readonly [string, ExactEntry]>): void {
    for (const [text, entry] of entries) {
      const times = entry.textCount
      if (times === 0) continue
      entry.textCount = 0
      this.filled += times
      this.addLength(text.length, times)
      this.addLexical(text)
      this.kinds[entry.kind] = (this.kinds[entry.kind] as number) + times
      if (entry.kind <= NUMBER) this.addNumber(entry.number, times)
    }
  }

  /** One value whose kind is known, into every exact figure (not the sketches). */
  private addEach(text: string, kind: number): void {
    this.filled += 1
    this.addLength(text.length, 1)
    this.addLexical(text)
    this.kinds[kind] = (this.kinds[kind] as number) + 1
    if (kind <= NUMBER) this.addNumber(this.number.value, 1)
  }

  private addLength(length: number, times: number): void {
    if (length < this.lengthMin) this.lengthMin = length
    if (length > this.lengthMax) this.lengthMax = length
    this.lengthSum += length * times
  }

  /**
   * Sketching phase: every value is hashed and counts in the exact figures; text that starts like
   * a number is read for its number every time; the shape of any other text, and the most
   * frequent values, are left to the sample once sampling.
   */
  private addSketched(text: string, given: number): void {
    this.filled += 1
    this.addLength(text.length, 1)
    this.addLexical(text)
    const weight = this.sampleWeight()
    const slot = this.number
    let kind = given
    if (kind < 0) {
      slot.shape = -1
      kind = readNumber(text, slot)
      if (kind < 0) {
        const hash = hashString(text)
        this.values.addHash(hash)
        if (weight === 0) return
        // Text read on the sample only: its kind counts with the sample's weight.
        kind = scanNonNumericText(text)
        this.kinds[kind] = (this.kinds[kind] as number) + weight
        this.values.addFrequent(text, hash, weight)
        return
      }
    }
    this.kinds[kind] = (this.kinds[kind] as number) + 1
    if (kind <= NUMBER) this.addNumber(slot.value, 1)
    // Text that read as a number digit by digit is hashed from its digits (see textHash).
    const hash =
      given >= 0 ? textHash(text, slot) : slot.shape >= 0 ? numberTextHash(slot) : hashString(text)
    this.values.addHash(hash)
    if (weight > 0) this.values.addFrequent(text, hash, weight)
  }

  /** 1 before sampling starts; then {@link SAMPLE_EVERY} for a sampled value, else 0. */
  private sampleWeight(): number {
    if (!this.sampling) {
      if (this.filled <= SAMPLE_AFTER) return 1
      this.sampling = true
    }
    let x = this.random
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.random = x
    return x >>> 29 === 0 ? SAMPLE_EVERY : 0
  }

  /**
   * Lexical min and max, mostly without comparing texts: three code units at a time make one
   * number that orders texts as those units do ({@link unitsAt}), and the min's and the max's are
   * kept for their first {@link LEXICAL_LEVELS} triples. A text is decided by the first triple
   * that differs from the min's (and the max's); only texts that share all of them with one are
   * compared whole. A timestamp column, whose texts share their first three characters, is
   * decided by the second triple. A new min or max shares the triples before the deciding one
   * with the old: only the rest are read again (a rising column, ids, replaces its max with
   * nearly every value and reads one triple for it, not four).
   */
  private addLexical(text: string): void {
    const length = text.length
    let units = unitsAt(text, 0, length)
    const minUnits = this.minUnits
    const maxUnits = this.maxUnits
    if (units > (minUnits[0] as number) && units < (maxUnits[0] as number)) return
    // Texts that share their first triple with the min and the max (timestamps) are mostly
    // decided by the second alone.
    if (
      units === minUnits[0] &&
      units === maxUnits[0] &&
      isBetween(unitsAt(text, 3, length), minUnits[1] as number, maxUnits[1] as number)
    )
      return
    const min = this.lexicalMin
    if (min === undefined) {
      this.lexicalMin = this.lexicalMax = detached(text)
      setUnits(minUnits, text, 0, units)
      setUnits(maxUnits, text, 0, units)
      return
    }
    // Sign of (text − min) and of (text − max) as far as the triples read so far tell; 0: equal so
    // far. The deciding triple of each, and its units, for a new min or max.
    let toMin = units - (minUnits[0] as number)
    let toMax = units - (maxUnits[0] as number)
    let minLevel = 0
    let maxLevel = 0
    let minLevelUnits = units
    let maxLevelUnits = units
    // Undecided while equal to the min so far, or above it and equal to the max so far.
    for (
      let level = 1;
      level < LEXICAL_LEVELS && (toMin === 0 || (toMin > 0 && toMax === 0));
      level++
    ) {
      units = unitsAt(text, level * 3, length)
      if (toMin === 0) {
        toMin = units - (minUnits[level] as number)
        minLevel = level
        minLevelUnits = units
      }
      if (toMax === 0) {
        toMax = units - (maxUnits[level] as number)
        maxLevel = level
        maxLevelUnits = units
      }
    }
    if (toMin === 0) {
      toMin = compareText(text, min, LEXICAL_LEVELS * 3)
      minLevel = LEXICAL_LEVELS
    }
    if (toMin < 0) {
      this.lexicalMin = detached(text)
      setUnits(minUnits, text, minLevel, minLevelUnits)
      return
    }
    if (toMax === 0) {
      toMax = compareText(text, this.lexicalMax as string, LEXICAL_LEVELS * 3)
      maxLevel = LEXICAL_LEVELS
    }
    if (toMax > 0) {
      this.lexicalMax = detached(text)
      setUnits(maxUnits, text, maxLevel, maxLevelUnits)
    }
  }

  /** Every number counts: in the exact figures and in the quantile sketch. */
  private addNumber(number: number, times: number): void {
    if (number - number !== 0) return // NaN and ±Infinity
    if (this.numericCount === 0) this.shift = number
    this.numericCount += times
    const shifted = number - this.shift
    this.shiftedSum += shifted * times
    this.shiftedSquares += shifted * shifted * times
    if (number < this.numericMin) this.numericMin = number
    if (number > this.numericMax) this.numericMax = number
    this.sketch.add(number, times)
  }

  /** The profile, given how many records the stage saw in all. */
  result(records: number): ColumnProfile {
    this.flush()
    this.values.foldExact()
    const missing = records - this.present + this.empty
    const filled = this.present - this.empty
    const kinds = Object.fromEntries(
      KINDS.map((kind, code) => [kind, Math.round(this.kinds[code] as number)]),
    ) as Record<ValueKind, number>
    const { type, fitting } = inferType(kinds, filled)
    const types = Object.fromEntries(
      Object.entries(kinds).filter(([, count]) => count > 0),
    ) as ColumnProfile['types']
    const base = {
      column: this.column,
      count: records,
      missing,
      distinct: this.values.distinct(filled),
      topValues: this.values.top(this.settings.topK),
      topValuesExact: this.values.topExact,
      type,
      typeShare: filled === 0 ? 0 : Math.min(1, fitting / filled),
      ...(this.sampling ? { sampled: { after: SAMPLE_AFTER, every: SAMPLE_EVERY } } : {}),
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
      mean: this.shift + this.shiftedSum / this.numericCount,
      stddev: Math.sqrt(
        Math.max(0, this.shiftedSquares - (this.shiftedSum * this.shiftedSum) / this.numericCount) /
          this.numericCount,
      ),
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

/** An empty batch of BATCH slots, filled from the start (`pendingCount` says how far). */
function newBatch(): unknown[] {
  // oxlint-disable-next-line unicorn/no-new-array -- a length, on purpose: the slots are preallocated
  return new Array<unknown>(BATCH)
}

/** How many triples of code units of the lexical min and max are kept (see addLexical). */
const LEXICAL_LEVELS = 4

/**
 * The code units of `text` at `from`, `from + 1` and `from + 2` as one number (0 for each past
 * the end), which orders as those units do: texts whose triples differ are ordered by them, and
 * texts whose triples are equal are equal so far (a text that ends there, padded with 0, is not
 * told from one that goes on with code unit 0 until compared whole). Reads stay within the text:
 * one read past the end would slow every later read at that site (see scanNumber in valueKind).
 */
function unitsAt(text: string, from: number, length: number): number {
  if (from + 2 < length)
    return (
      text.charCodeAt(from) * 4294967296 +
      text.charCodeAt(from + 1) * 65536 +
      text.charCodeAt(from + 2)
    )
  if (from >= length) return 0
  return (
    text.charCodeAt(from) * 4294967296 + (from + 1 < length ? text.charCodeAt(from + 1) * 65536 : 0)
  )
}

/** Whether `units` lies strictly between `low` and `high`. */
function isBetween(units: number, low: number, high: number): boolean {
  return units > low && units < high
}

/**
 * Sets `units` to the triples of `text` from level `from` on (the levels before it are the same
 * as those of the text they replace); `first` is the triple at `from`, read already.
 */
function setUnits(units: Float64Array, text: string, from: number, first: number): void {
  if (from >= LEXICAL_LEVELS) return
  units[from] = first
  const length = text.length
  for (let level = from + 1, at = level * 3; level < LEXICAL_LEVELS; level++, at += 3)
    units[level] = at < length ? unitsAt(text, at, length) : 0
}

/**
 * Orders two texts as `<` does (by UTF-16 code units), given that they agree before `from` (or
 * that `from` is 0), in a loop the compiler inlines.
 */
function compareText(a: string, b: string, from: number): number {
  const length = Math.min(a.length, b.length)
  for (let i = from; i < length; i++) {
    const difference = a.charCodeAt(i) - b.charCodeAt(i)
    if (difference !== 0) return difference
  }
  return a.length - b.length
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
