import { describe, expect, it } from 'vitest'
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
