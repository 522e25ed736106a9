import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ColumnProfiler } from '../../../src/internal/profile/ColumnProfiler.js'

const settings = { topK: 3, histogramBins: 4 }

function profileOf(values: readonly unknown[], records = values.length) {
  const profiler = new ColumnProfiler('amount', settings)
  for (const value of values) profiler.add(value)
  return profiler.result(records)
}

describe('ColumnProfiler', () => {
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
          const profile = profileOf(values, values.length + absent)
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
    const profile = profileOf(['b', 'a', 'b', 'c', 'b', 'a', 'd'])
    expect(profile.topValuesExact).toBe(true)
    expect(profile.topValues).toEqual([
      { value: 'b', count: 3, error: 0 },
      { value: 'a', count: 2, error: 0 },
      { value: 'c', count: 1, error: 0 },
    ])
    expect(profile.distinct).toBe(4)
  })

  it('profiles text by its lexical range and lengths, and names the type the most values have', () => {
    const profile = profileOf(['pear', 'apple', 'fig', '12'])
    expect(profile.type).toBe('string')
    expect(profile.typeShare).toBe(1)
    expect(profile.min).toBe('12')
    expect(profile.max).toBe('pear')
    expect(profile.length).toEqual({ min: 2, max: 5, mean: 14 / 4 })
    expect(profile.types).toEqual({ string: 3, integer: 1 })
  })

  it('says what share of the values fit a type that is not text', () => {
    const profile = profileOf([1, 2, 3, 'x'])
    expect(profile.type).toBe('integer')
    expect(profile.typeShare).toBe(3 / 4)
    const decimals = profileOf([1, 2.5, '3.25'])
    expect(decimals.type).toBe('number')
    expect(decimals.max).toBe(3.25)
  })

  it('estimates the distinct values of a column with many, within a few percent, never above those filled', () => {
    const values = Array.from({ length: 20_000 }, (_, n) => `id-${n}`)
    const profile = profileOf(values)
    expect(profile.distinct).toBeLessThanOrEqual(20_000)
    expect(Math.abs(profile.distinct - 20_000) / 20_000).toBeLessThan(0.05)
    expect(profile.topValuesExact).toBe(false)
  })

  it('reads Dates and objects as their text', () => {
    const profile = profileOf([new Date(Date.UTC(2026, 0, 2)), { a: 1 }])
    expect(profile.topValues.map((top) => top.value).sort()).toEqual([
      '2026-01-02T00:00:00.000Z',
      '{"a":1}',
    ])
  })
})
