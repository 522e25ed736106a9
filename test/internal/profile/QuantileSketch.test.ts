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

  it('is empty at first and counts zeros', () => {
    const sketch = new QuantileSketch()
    expect(sketch.quantile(0.5)).toBeUndefined()
    sketch.add(0)
    sketch.add(0)
    expect(sketch.quantile(0.5)).toBe(0)
    expect(sketch.buckets()).toEqual([[0, 2]])
  })
})
