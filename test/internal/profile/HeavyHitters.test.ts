import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HeavyHitters } from '../../../src/internal/profile/HeavyHitters.js'
import { hashString } from '../../../src/internal/profile/HyperLogLog.js'

function exactCounts(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

function fill(capacity: number, values: readonly string[], hash = hashString): HeavyHitters {
  const sketch = new HeavyHitters(capacity)
  for (const value of values) sketch.add(value, hash(value))
  return sketch
}

/** A seeded stream where value k occurs with probability ~ 1/k (Zipf-like). */
function zipf(length: number, seed: number, values = 100_000): string[] {
  let state = seed
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state / 2 ** 32
  }
  return Array.from({ length }, () => `k${Math.floor(Math.exp(random() * Math.log(values)))}`)
}

describe('HeavyHitters', () => {
  it('counts exactly while the values fit its capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 300 }),
        (values) => {
          const sketch = fill(8, values)
          const exact = exactCounts(values)
          expect(sketch.error).toBe(0)
          expect(sketch.size).toBe(exact.size)
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
          const sketch = fill(capacity, values)
          const exact = exactCounts(values)
          const top = sketch.top(capacity)
          expect(sketch.size).toBeLessThanOrEqual(capacity)
          for (const { value, count, error } of top) {
            const truth = exact.get(value) ?? 0
            expect(count).toBeGreaterThanOrEqual(truth)
            expect(count - error).toBeLessThanOrEqual(truth)
          }
          const kept = new Set(top.map((entry) => entry.value))
          for (const [value, truth] of exact)
            if (truth > values.length / (capacity + 1)) expect(kept.has(value)).toBe(true)
        },
      ),
    )
  })

  it('keeps its guarantees when different values share a hash (colliding probes)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 400 }),
        (numbers) => {
          const values = numbers.map((n) => `c${n % 17}`)
          // Only 3 hash values in all: every lookup walks past values of the same hash.
          const sketch = fill(6, values, (value) => value.length * 7 + (value.charCodeAt(1) % 3))
          const exact = exactCounts(values)
          for (const { value, count, error } of sketch.top(6)) {
            const truth = exact.get(value) ?? 0
            expect(count).toBeGreaterThanOrEqual(truth)
            expect(count - error).toBeLessThanOrEqual(truth)
          }
        },
      ),
    )
  })

  it('takes over exact counts by seeding, and refuses a value twice or beyond capacity', () => {
    const sketch = new HeavyHitters(2)
    sketch.seed('a', hashString('a'), 5)
    sketch.seed('b', hashString('b'), 3)
    sketch.add('a', hashString('a'))
    expect(sketch.top(2)).toEqual([
      { value: 'a', count: 6, error: 0 },
      { value: 'b', count: 3, error: 0 },
    ])
    expect(() => sketch.seed('a', hashString('a'), 1)).toThrow(RangeError)
    expect(() => sketch.seed('c', hashString('c'), 1)).toThrow(RangeError)
  })

  it('finds the 10 most frequent values of a large seeded skewed stream, within the error bound', () => {
    const values = zipf(300_000, 42)
    const sketch = fill(320, values)
    const exact = exactCounts(values)
    const truth = [...exact].sort((a, b) => b[1] - a[1]).slice(0, 10)
    const top = sketch.top(10)
    expect(top.map((entry) => entry.value)).toEqual(truth.map(([value]) => value))
    for (const { value, count, error } of top) {
      const real = exact.get(value) as number
      expect(count - error).toBeLessThanOrEqual(real)
      expect(count).toBeGreaterThanOrEqual(real)
      // Misra–Gries: the error is at most n / (capacity + 1).
      expect(error).toBeLessThanOrEqual(values.length / 321)
    }
  })
})
