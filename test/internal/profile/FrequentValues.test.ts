import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FrequentValues } from '../../../src/internal/profile/FrequentValues.js'
import { textHash } from '../../../src/internal/profile/textHash.js'

function exactCounts(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

/** Feeds every value with weight 1, as a column that is not sampled. */
function feed(capacity: number, values: readonly string[]): FrequentValues {
  const frequent = new FrequentValues(capacity)
  for (const value of values) sketched(frequent, value, 1)
  return frequent
}

/** As a column does: a value the exact table did not take is hashed for both sketches. */
function sketched(frequent: FrequentValues, value: string, weight: number): void {
  if (frequent.entry(value) !== undefined) return
  const hash = textHash(value, { value: 0, digits: 0, shape: -1 })
  frequent.addHash(hash)
  frequent.addFrequent(value, hash, weight)
}

describe('FrequentValues', () => {
  it('is exact while the distinct values fit: counts, distinct, and entries kept per value', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 300 }), (values) => {
        const frequent = new FrequentValues(64)
        const entries = new Map<string, unknown>()
        for (const value of values) {
          const entry = frequent.entry(value)
          if (entry === undefined) return // more than 64 distinct: not this property
          if (entries.has(value)) expect(entry).toBe(entries.get(value))
          entries.set(value, entry)
        }
        const exact = exactCounts(values)
        expect(frequent.exact).toBe(true)
        expect(frequent.topExact).toBe(true)
        expect(frequent.distinct(values.length)).toBe(exact.size)
        const truth = [...exact].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        expect(frequent.top(5)).toEqual(
          truth.slice(0, 5).map(([value, count]) => ({ value, count, error: 0 })),
        )
      }),
    )
  })

  it('tells apart values that share length and the characters the table looks at', () => {
    // Same length, same first, middle and last characters: only comparing the text separates them.
    const values = Array.from({ length: 200 }, (_, i) => `A${String(i).padStart(3, '0')}xx0Z`)
    const frequent = feed(256, [...values, ...values, values[0] as string])
    expect(frequent.exact).toBe(true)
    expect(frequent.distinct(401)).toBe(200)
    expect(frequent.top(1)).toEqual([{ value: values[0], count: 3, error: 0 }])
  })

  it('hands over to the sketches beyond capacity, keeping the Misra–Gries bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 800 }),
        (numbers) => {
          const values = numbers.map((n) => `v${n % 7 === 0 ? 0 : n}`)
          const frequent = feed(16, values)
          const exact = exactCounts(values)
          for (const { value, count, error } of frequent.top(5)) {
            const truth = exact.get(value) ?? 0
            expect(count).toBeGreaterThanOrEqual(truth)
            expect(count - error).toBeLessThanOrEqual(truth)
          }
          if (exact.size <= 16) expect(frequent.distinct(values.length)).toBe(exact.size)
          else expect(frequent.exact).toBe(false)
        },
      ),
    )
  })

  it('estimates distinct values within 2 % once sketching (seeded keys)', () => {
    const frequent = feed(
      320,
      Array.from({ length: 150_000 }, (_, i) => `user${i * 7919}@mail.test`),
    )
    expect(Math.abs(frequent.distinct(150_000) - 150_000) / 150_000).toBeLessThan(0.02)
    expect(frequent.distinct(1000)).toBe(1000) // never more than the values seen
  })

  it('widens each top value error by three standard deviations once fed a weighted sample', () => {
    const frequent = new FrequentValues(4)
    for (const value of ['a', 'b', 'c', 'd', 'e']) frequent.entry(value)
    sketched(frequent, 'e', 1)
    for (let i = 0; i < 100; i++) sketched(frequent, 'a', 8)
    const [top] = frequent.top(1)
    expect(frequent.topExact).toBe(false)
    expect(top?.value).toBe('a')
    expect(top?.error).toBeGreaterThanOrEqual(Math.ceil(3 * Math.sqrt((top?.count ?? 0) * 7)))
  })
})
