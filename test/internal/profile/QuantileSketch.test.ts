import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { QuantileSketch } from '../../../src/internal/profile/QuantileSketch.js'

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number
}

describe('QuantileSketch', () => {
  it('returns each quantile within its relative accuracy of an input value at that rank', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.constantFrom(0, 0.25, 0.5, 0.95, 0.99, 1),
        (values, q) => {
          const sketch = new QuantileSketch(0.01)
          for (const value of values) sketch.add(value)
          const sorted = [...values].sort((a, b) => a - b)
          const truth = exactQuantile(sorted, q)
          const estimate = sketch.quantile(q) as number
          expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(Math.abs(truth) * 0.0101 + 1e-300)
        },
      ),
    )
  })

  it('keeps a bounded number of buckets however wide the range', () => {
    const sketch = new QuantileSketch(0.01, 64)
    for (let exponent = -200; exponent < 200; exponent += 0.5) sketch.add(10 ** exponent)
    expect(sketch.buckets().length).toBeLessThanOrEqual(64)
    expect(sketch.count).toBe(800)
    const top = sketch.quantile(1) as number
    expect(Math.abs(top - 10 ** 199.5) / 10 ** 199.5).toBeLessThan(0.011)
  })

  it('keeps each quantile within 1 % on a large seeded input spread over 12 orders of magnitude, both signs', () => {
    let seed = 11
    const random = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
      return seed / 2 ** 32
    }
    const values = Array.from({ length: 200_000 }, () => {
      const magnitude = Math.exp((random() - 0.3) * 28) // ~1e-4 to 1e8
      return random() < 0.2 ? -magnitude : magnitude
    })
    const sketch = new QuantileSketch()
    for (const value of values) sketch.add(value)
    const sorted = [...values].sort((a, b) => a - b)
    for (const q of [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]) {
      const truth = exactQuantile(sorted, q)
      const estimate = sketch.quantile(q) as number
      expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(Math.abs(truth) * 0.0101)
    }
  })

  it('counts a weighted value as that many values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.integer({ min: 1, max: 5 })),
          {
            minLength: 1,
            maxLength: 100,
          },
        ),
        fc.constantFrom(0, 0.5, 0.9, 1),
        (pairs, q) => {
          const weighted = new QuantileSketch()
          const repeated = new QuantileSketch()
          for (const [value, times] of pairs) {
            weighted.add(value, times)
            for (let i = 0; i < times; i++) repeated.add(value)
          }
          expect(weighted.count).toBe(repeated.count)
          expect(weighted.quantile(q)).toBe(repeated.quantile(q))
          expect(weighted.buckets()).toEqual(repeated.buckets())
        },
      ),
    )
  })

  it('puts every value in the bucket of its logarithm, rising runs (looked up without one) too', () => {
    // Reference: each value's key from Math.log, as the sketch defines it, counted per sign.
    const gamma = 1.01 / 0.99
    const inverseLogGamma = 1 / Math.log(gamma)
    const runs = fc.tuple(
      fc.double({ min: 1e-9, max: 1e12, noNaN: true }),
      fc.integer({ min: 0, max: 500 }),
      fc.integer({ min: 1, max: 300 }),
      fc.boolean(),
    )
    fc.assert(
      fc.property(fc.array(runs, { minLength: 1, maxLength: 8 }), (spec) => {
        // Runs that rise (or fall) by a small step, so they stay in one bucket for a while.
        const values: number[] = []
        for (const [start, step, length, negative] of spec)
          for (let i = 0; i < length; i++)
            values.push((negative ? -1 : 1) * start * (1 + (step / 10_000) * i))
        const sketch = new QuantileSketch()
        for (const value of values) sketch.add(value)
        const counts = new Map<string, number>()
        for (const value of values) {
          const bucket = `${Math.sign(value)} ${Math.ceil(Math.log(Math.abs(value)) * inverseLogGamma)}`
          counts.set(bucket, (counts.get(bucket) ?? 0) + 1)
        }
        const reference = [...counts]
          .map(([bucket, count]): [number, number] => {
            const [sign, key] = bucket.split(' ').map(Number) as [number, number]
            return [(sign * (2 * gamma ** key)) / (1 + gamma), count]
          })
          .sort((x, y) => x[0] - y[0])
        expect(sketch.buckets()).toEqual(reference)
      }),
      { numRuns: 200 },
    )
  })

  it('slides its dense window up and down without losing a count', () => {
    const sketch = new QuantileSketch(0.01, 128)
    const values = [1, 1e6, 1e-6, 5, 1e12, 3e-9, 42, 7e15, 2, 1e-12]
    for (const value of values) sketch.add(value)
    expect(sketch.buckets().reduce((sum, [, count]) => sum + count, 0)).toBe(values.length)
    expect(sketch.buckets().length).toBeLessThanOrEqual(128)
    // The highest values keep their accuracy; merging happens only at the low end.
    const top = sketch.quantile(1) as number
    expect(Math.abs(top - 7e15) / 7e15).toBeLessThan(0.0101)
  })

  it('is empty at first and counts zeros', () => {
    const sketch = new QuantileSketch()
    expect(sketch.quantile(0.5)).toBeUndefined()
    sketch.add(0)
    sketch.add(0)
    expect(sketch.quantile(0.5)).toBe(0)
    expect(sketch.buckets()).toEqual([[0, 2]])
  })
})
