import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BATCH,
  ColumnProfiler,
  SAMPLE_AFTER,
  SAMPLE_EVERY,
} from '../../../src/internal/profile/ColumnProfiler.js'
import { textKind } from '../../../src/internal/profile/valueKind.js'

const settings = { topK: 10, histogramBins: 20 }

function profileOf(values: readonly unknown[], capacityHint = settings): ColumnProfiler {
  const profiler = new ColumnProfiler('c', capacityHint)
  for (const value of values) profiler.add(value)
  return profiler
}

/** Seeded uniform numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

describe('ColumnProfiler', () => {
  it('gives exact count, missing, min/max, mean and lengths on arbitrary text and numbers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('', null, undefined),
            fc.string({ maxLength: 6 }),
            fc.integer({ min: -1000, max: 1000 }).map(String),
            fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => n.toFixed(2)),
          ),
          { maxLength: 400 },
        ),
        (values) => {
          const result = profileOf(values).result(values.length + 3)
          const filled = values.filter(
            (v): v is string => v !== '' && v !== null && v !== undefined,
          )
          expect(result.count).toBe(values.length + 3)
          expect(result.missing).toBe(values.length + 3 - filled.length)
          if (filled.length === 0) return
          const lengths = filled.map((v) => v.length)
          expect(result.length?.min).toBe(Math.min(...lengths))
          expect(result.length?.max).toBe(Math.max(...lengths))
          expect(result.length?.mean).toBeCloseTo(
            lengths.reduce((a, b) => a + b, 0) / filled.length,
            9,
          )
          // The values read as numbers: the kind rules' own (a sign, a leading point and an exponent
          // included — `+0`, `.5`, `1e5`), tested against a regular-expression model in valueKind's test.
          const numbers = filled
            .filter((v) => ['integer', 'number'].includes(textKind(v)))
            .map(Number)
          if (result.type === 'integer' || result.type === 'number') {
            // == so that -0 and 0 (the same number) agree
            expect(result.min === Math.min(...numbers)).toBe(true)
            expect(result.max === Math.max(...numbers)).toBe(true)
            const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length
            expect(result.mean as number).toBeCloseTo(mean, 6)
            const variance = numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / numbers.length
            expect(result.stddev as number).toBeCloseTo(Math.sqrt(variance), 4)
          } else {
            const sorted = [...filled].sort()
            expect(result.min).toBe(sorted[0])
            expect(result.max).toBe(sorted.at(-1))
          }
        },
      ),
    )
  })

  it('keeps the lexical min and max exact past the exact phase, whatever the prefixes', () => {
    const random = seeded(3)
    const values = Array.from(
      { length: 5_000 },
      () =>
        `202${Math.floor(random() * 10)}-${String(Math.floor(random() * 1e6)).padStart(6, '0')}`,
    )
    const result = profileOf(values).result(values.length)
    const sorted = [...values].sort()
    expect(result.min).toBe(sorted[0])
    expect(result.max).toBe(sorted.at(-1))
  })

  it('keeps the lexical min and max exact on texts that differ anywhere in their first 16 units', () => {
    // Past 320 distinct values each text is compared as it comes, three code units at a time:
    // shared prefixes, ends, code unit 0 and the highest unit at every position.
    const unit = fc.constantFrom('a', 'b', '\u0000', '\uffff')
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 15, size: 'max' }),
        fc.array(fc.string({ unit, minLength: 1, maxLength: 6 }), {
          minLength: 300,
          maxLength: 700,
        }),
        fc.boolean(),
        (prefix, tails, cut) => {
          // Every text starts with the prefix, or (cut) one in seven with a part of it.
          const values = tails.map((tail, i) =>
            cut && i % 7 === 0 ? prefix.slice(0, i % (prefix.length + 1)) + tail : prefix + tail,
          )
          const filled = values.filter((value) => value !== '')
          const result = profileOf(values).result(values.length)
          const sorted = [...filled].sort()
          expect(result.min).toBe(sorted[0])
          expect(result.max).toBe(sorted.at(-1))
        },
      ),
      { numRuns: 60 },
    )
  })

  it.each([
    ['rising codes', (i: number) => `D${100_000 + i}`],
    ['falling codes', (i: number) => `D${999_999 - i}`],
    [
      'texts that share or are prefixes',
      (i: number) =>
        `ab${'\u0000'.repeat(i % 3)}${i % 7 === 0 ? '' : String.fromCharCode(i % 300)}`,
    ],
    ['non-ASCII text', (i: number) => `Zoë${String.fromCharCode(0x3000 + (i % 500))}${i}`],
  ])('keeps the lexical min and max of %s exact', (_, value) => {
    const values = Array.from({ length: 3_000 }, (_, i) => value(i))
    const result = profileOf(values).result(values.length)
    const sorted = [...values].sort()
    expect(result.min).toBe(sorted[0])
    expect(result.max).toBe(sorted.at(-1))
  })

  it('counts every value exactly in a low-cardinality column, however long', () => {
    const random = seeded(5)
    const stages = ['won', 'lost', 'open', 'true', '12', '2026-01-02']
    const values = Array.from({ length: 300_000 }, () => stages[Math.floor(random() * 6)] as string)
    const result = profileOf(values).result(values.length)
    const counts = new Map<string, number>()
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
    expect(result.distinct).toBe(6)
    expect(result.topValuesExact).toBe(true)
    expect(result.sampled).toBeUndefined()
    for (const top of result.topValues) expect(top.count).toBe(counts.get(top.value))
    expect(result.types).toEqual({
      string: (counts.get('won') ?? 0) + (counts.get('lost') ?? 0) + (counts.get('open') ?? 0),
      boolean: counts.get('true'),
      integer: counts.get('12'),
      date: counts.get('2026-01-02'),
    })
  })

  it('samples only past its first values in a high-cardinality column, within the documented bounds', () => {
    const random = seeded(9)
    const rows = 400_000
    const values: string[] = []
    const counts = new Map<string, number>()
    let emails = 0
    for (let i = 0; i < rows; i++) {
      // 60 % distinct emails, 20 % one hot value, 20 % distinct plain words
      const roll = random()
      const value =
        roll < 0.6 ? `user${i}@example.com` : roll < 0.8 ? 'hot@example.com' : `word${i}`
      if (roll < 0.8) emails += 1
      values.push(value)
      counts.set(value, (counts.get(value) ?? 0) + 1)
    }
    const result = profileOf(values).result(rows)
    expect(result.sampled).toEqual({ after: SAMPLE_AFTER, every: SAMPLE_EVERY })
    expect(Math.abs(result.distinct - counts.size) / counts.size).toBeLessThan(0.02)
    const [top] = result.topValues
    const truth = counts.get('hot@example.com') as number
    expect(top?.value).toBe('hot@example.com')
    expect(Math.abs((top?.count as number) - truth)).toBeLessThanOrEqual(top?.error as number)
    // The sampled kinds: within 4 standard errors of √(7·count).
    const email = result.types.email as number
    expect(Math.abs(email - emails)).toBeLessThan(4 * Math.sqrt(7 * emails))
    expect(result.type).toBe('email')
    // Exact whatever the sampling.
    expect(result.length?.max).toBe(values.reduce((max, v) => Math.max(max, v.length), 0))
    expect(result.missing).toBe(0)
  })

  it('reads numbers exactly and counts every one in the quantile sketch, sampled or not', () => {
    const random = seeded(13)
    const numbers = Array.from({ length: 200_000 }, () => Math.round(random() * 1e7) / 100)
    const result = profileOf(numbers.map((n) => n.toFixed(2))).result(numbers.length)
    expect(result.type).toBe('number')
    expect(result.min).toBe(numbers.reduce((a, b) => Math.min(a, b)))
    expect(result.max).toBe(numbers.reduce((a, b) => Math.max(a, b)))
    expect(result.mean as number).toBeCloseTo(
      numbers.reduce((a, b) => a + b, 0) / numbers.length,
      6,
    )
    expect(result.histogram?.reduce((sum, bin) => sum + bin.count, 0)).toBe(numbers.length)
    const sorted = [...numbers].sort((a, b) => a - b)
    const p50 = sorted[Math.floor(0.5 * (numbers.length - 1))] as number
    expect(Math.abs((result.quantiles?.p50 as number) - p50) / p50).toBeLessThan(0.0101)
  })

  it('types values by their own type and their text alike, before and after the exact phase', () => {
    const values: unknown[] = []
    for (let i = 0; i < 1_000; i++) values.push(i, String(i), i % 2 === 0, new Date(i * 1e9))
    const result = profileOf(values).result(values.length)
    expect(result.types).toEqual({ integer: 2_000, boolean: 1_000, datetime: 1_000 })
    expect(result.distinct).toBeGreaterThan(1_980) // "0".."999" once, true, false, 1,000 dates
    expect(result.distinct).toBeLessThan(2_040)
  })
})

const modelSettings = { topK: 3, histogramBins: 4 }

function resultOf(values: readonly unknown[], records = values.length) {
  const profiler = new ColumnProfiler('amount', modelSettings)
  for (const value of values) profiler.add(value)
  return profiler.result(records)
}

describe('ColumnProfiler against an Array model', () => {
  it('profiles an integer column as an Array model does: counts, distinct, min, max, mean, stddev', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constantFrom(null, undefined, '')),
          {
            minLength: 1,
            maxLength: 200,
          },
        ),
        fc.nat(5),
        (values, absent) => {
          const profile = resultOf(values, values.length + absent)
          const numbers = values.filter((v): v is number => typeof v === 'number')
          expect(profile.column).toBe('amount')
          expect(profile.count).toBe(values.length + absent)
          expect(profile.missing).toBe(values.length - numbers.length + absent)
          if (numbers.length === 0) {
            expect(profile.type).toBe('empty')
            return
          }
          expect(profile.type).toBe('integer')
          expect(profile.typeShare).toBe(1)
          expect(profile.distinct).toBe(new Set(numbers).size)
          expect(profile.min).toBe(Math.min(...numbers))
          expect(profile.max).toBe(Math.max(...numbers))
          const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length
          const variance = numbers.reduce((sum, n) => sum + (n - mean) ** 2, 0) / numbers.length
          expect(profile.mean).toBeCloseTo(mean, 9)
          expect(profile.stddev).toBeCloseTo(Math.sqrt(variance), 9)
          const histogram = profile.histogram ?? []
          expect(histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(numbers.length)
          expect(histogram[0]?.from).toBe(Math.min(...numbers))
          expect(histogram.at(-1)?.to).toBe(Math.max(...numbers))
          for (const q of ['p50', 'p95', 'p99'] as const) {
            expect(profile.quantiles?.[q]).toBeGreaterThanOrEqual(Math.min(...numbers))
            expect(profile.quantiles?.[q]).toBeLessThanOrEqual(Math.max(...numbers))
          }
        },
      ),
    )
  })

  it('lists the most frequent values exactly while the column has few distinct values', () => {
    const profile = resultOf(['b', 'a', 'b', 'c', 'b', 'a', 'd'])
    expect(profile.topValuesExact).toBe(true)
    expect(profile.topValues).toEqual([
      { value: 'b', count: 3, error: 0 },
      { value: 'a', count: 2, error: 0 },
      { value: 'c', count: 1, error: 0 },
    ])
    expect(profile.distinct).toBe(4)
  })

  it('profiles text by its lexical range and lengths, and names the type the most values have', () => {
    const profile = resultOf(['pear', 'apple', 'fig', '12'])
    expect(profile.type).toBe('string')
    expect(profile.typeShare).toBe(1)
    expect(profile.min).toBe('12')
    expect(profile.max).toBe('pear')
    expect(profile.length).toEqual({ min: 2, max: 5, mean: 14 / 4 })
    expect(profile.types).toEqual({ string: 3, integer: 1 })
  })

  it('says what share of the values fit a type that is not text', () => {
    const profile = resultOf([1, 2, 3, 'x'])
    expect(profile.type).toBe('integer')
    expect(profile.typeShare).toBe(3 / 4)
    const decimals = resultOf([1, 2.5, '3.25'])
    expect(decimals.type).toBe('number')
    expect(decimals.max).toBe(3.25)
  })

  it('estimates the distinct values of a column with many, within a few percent, never above those filled', () => {
    const values = Array.from({ length: 20_000 }, (_, n) => `id-${n}`)
    const profile = resultOf(values)
    expect(profile.distinct).toBeLessThanOrEqual(20_000)
    expect(Math.abs(profile.distinct - 20_000) / 20_000).toBeLessThan(0.05)
    expect(profile.topValuesExact).toBe(false)
  })

  it('reads Dates and objects as their text', () => {
    const profile = resultOf([new Date(Date.UTC(2026, 0, 2)), { a: 1 }])
    expect(profile.topValues.map((top) => top.value).sort()).toEqual([
      '2026-01-02T00:00:00.000Z',
      '{"a":1}',
    ])
  })

  it('gives the same profile whether values are pushed in batches or added one by one', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('', null, undefined, true),
            fc.integer({ min: 0, max: 400 }).map(String),
            fc.integer({ min: 0, max: 400 }).map((n) => ({ n })),
            fc.date({ noInvalidDate: true }),
            fc.double({ noNaN: true }),
          ),
          { maxLength: BATCH * 6 },
        ),
        fc.nat(BATCH * 6),
        (values, midway) => {
          const pushed = new ColumnProfiler('c', settings)
          const added = new ColumnProfiler('c', settings)
          values.forEach((value, index) => {
            // A result part-way adds what is pending, and pushing goes on after it. Both take it:
            // a result folds the exact table into the sums, and sums of floating-point numbers
            // in another order may differ in their last bit.
            if (index === midway) {
              pushed.result(index)
              added.result(index)
            }
            pushed.push(value)
            added.add(value)
          })
          expect(pushed.result(values.length)).toEqual(added.result(values.length))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('profiles an object pushed as it was then, though it changes later', () => {
    const profiler = new ColumnProfiler('c', settings)
    const value = { state: 'before' }
    profiler.push('text')
    profiler.push(value)
    value.state = 'after'
    expect(
      profiler
        .result(2)
        .topValues.map((top) => top.value)
        .sort(),
    ).toEqual(['text', '{"state":"before"}'])
  })
})
