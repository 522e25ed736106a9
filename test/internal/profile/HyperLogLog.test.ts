import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { HyperLogLog, hashString } from '../../../src/internal/profile/HyperLogLog.js'

describe('HyperLogLog', () => {
  it('counts small sets exactly enough (linear counting)', () => {
    const sketch = new HyperLogLog()
    for (let i = 0; i < 1000; i++) sketch.add(`value-${i % 100}`)
    expect(Math.abs(sketch.estimate() - 100)).toBeLessThanOrEqual(1)
  })

  it.each([10_000, 200_000, 1_000_000])('estimates %i distinct values within 2 %', (distinct) => {
    const sketch = new HyperLogLog()
    for (let i = 0; i < distinct; i++) sketch.add(`id-${i}`)
    // repeats change nothing
    for (let i = 0; i < distinct; i += 7) sketch.add(`id-${i}`)
    expect(Math.abs(sketch.estimate() - distinct) / distinct).toBeLessThan(0.02)
  })

  it.each([
    ['sequential numbers', (i: number) => String(100_000 + i)],
    ['emails', (i: number) => `first.last${i}@example.com`],
    ['ISO timestamps', (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 61_000).toISOString()],
    ['amounts', (i: number) => ((i * 7.31) % 100_000).toFixed(2)],
    ['non-ASCII names', (i: number) => `Zoë Müller ${i}`],
  ])('estimates %s within 2 % from 5,000 to 500,000 distinct values', (_, key) => {
    const sketch = new HyperLogLog()
    const checkpoints = new Set([5_000, 20_000, 41_000, 60_000, 80_000, 150_000, 500_000])
    for (let i = 1; i <= 500_000; i++) {
      sketch.addHash(hashString(key(i)))
      if (checkpoints.has(i)) expect(Math.abs(sketch.estimate() - i) / i).toBeLessThan(0.02)
    }
  })

  it('collides no more than chance on keys that differ in two neighbouring pairs', () => {
    // 1,000,000 sequential ids: a 32-bit hash should collide on about n² / 2³³ ≈ 116 pairs.
    const seen = new Set<number>()
    let collisions = 0
    for (let i = 0; i < 1_000_000; i++) {
      const hash = hashString(String(1_000_000 + i))
      if (seen.has(hash)) collisions += 1
      else seen.add(hash)
    }
    expect(collisions).toBeLessThan(300)
  })

  it('skips ranks at or below its lowest register without changing any estimate', () => {
    // Reference: each register's highest rank, added once per register (nothing to skip there).
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 3_000 }),
        (precision, hashes) => {
          const streamed = new HyperLogLog(precision)
          const highest = new Map<number, number>()
          for (const hash of hashes) {
            streamed.addHash(hash)
            const index = hash >>> (32 - precision)
            const rest = (hash << precision) >>> 0
            const rank = rest === 0 ? 32 - precision + 1 : Math.clz32(rest) + 1
            highest.set(index, Math.max(highest.get(index) ?? 0, rank))
          }
          const reference = new HyperLogLog(precision)
          for (const [index, rank] of highest) {
            const restBits = 32 - precision
            const rest = rank > restBits ? 0 : 2 ** (restBits - rank)
            reference.addHash(((index << restBits) >>> 0) + rest)
          }
          expect(streamed.estimate()).toBe(reference.estimate())
        },
      ),
      { numRuns: 300 },
    )
  })

  it('is empty at first', () => {
    expect(new HyperLogLog().estimate()).toBe(0)
  })

  it('hashes every bit well: each output bit is set about half the time', () => {
    const ones = Array.from({ length: 32 }, () => 0)
    const n = 20_000
    for (let i = 0; i < n; i++) {
      const hash = hashString(`k${i}`)
      for (let bit = 0; bit < 32; bit++) if ((hash >>> bit) & 1) ones[bit] = (ones[bit] ?? 0) + 1
    }
    for (const count of ones) expect(Math.abs(count / n - 0.5)).toBeLessThan(0.03)
  })
})
