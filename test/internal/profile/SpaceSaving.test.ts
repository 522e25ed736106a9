import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SpaceSaving } from '../../../src/internal/profile/SpaceSaving.js'

function exactCounts(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

describe('SpaceSaving', () => {
  it('counts exactly while the values fit its capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 300 }),
        (values) => {
          const sketch = new SpaceSaving(8)
          for (const value of values) sketch.add(value)
          const exact = exactCounts(values)
          expect(sketch.exact).toBe(true)
          for (const { value, count, error } of sketch.top(5)) {
            expect(count).toBe(exact.get(value))
            expect(error).toBe(0)
          }
        },
      ),
    )
  })

  it('keeps its guarantees beyond capacity: no under-count, over-count within error, heavy hitters kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 4, max: 20 }),
        (numbers, capacity) => {
          // skewed: small numbers are frequent
          const values = numbers.map((n) => `v${Math.floor(Math.sqrt(n * n * n) % 40)}`)
          const sketch = new SpaceSaving(capacity)
          for (const value of values) sketch.add(value)
          const exact = exactCounts(values)
          const top = sketch.top(capacity)
          for (const { value, count, error } of top) {
            const truth = exact.get(value) ?? 0
            expect(count).toBeGreaterThanOrEqual(truth)
            expect(count - error).toBeLessThanOrEqual(truth)
          }
          const kept = new Set(top.map((entry) => entry.value))
          for (const [value, truth] of exact)
            if (truth > values.length / capacity) expect(kept.has(value)).toBe(true)
        },
      ),
    )
  })

  it('finds the 10 most frequent of a large skewed stream', () => {
    const sketch = new SpaceSaving(320)
    let seed = 42
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed / 2 ** 32
    }
    for (let i = 0; i < 200_000; i++) {
      // Zipf-like: value k with probability ~ 1/k
      const k = Math.floor(Math.exp(random() * Math.log(100_000)))
      sketch.add(`k${k}`)
    }
    expect(sketch.top(3).map((entry) => entry.value)).toEqual(['k1', 'k2', 'k3'])
  })
})
