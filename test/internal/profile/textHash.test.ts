import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashString } from '../../../src/internal/profile/HyperLogLog.js'
import { textHash } from '../../../src/internal/profile/textHash.js'

const slot = () => ({ value: 0, digits: 0, shape: -1 })

describe('textHash', () => {
  it('gives a text the same hash every time, and text that is not a short number its string hash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        expect(textHash(text, slot())).toBe(textHash(text, slot()))
        if (!/^[+-]?\d*\.?\d*$/.test(text)) expect(textHash(text, slot())).toBe(hashString(text))
      }),
    )
  })

  it('keeps apart number texts of the same value', () => {
    const texts = [
      '1.5',
      '1.50',
      '01.5',
      '+1.5',
      '1.5e0',
      '0.10',
      '00.1',
      '.1',
      '0.1',
      '5',
      '5.',
      '05',
      '+5',
      '-0',
      '0',
      '+0',
    ]
    const hashes = new Set(texts.map((text) => textHash(text, slot())))
    expect(hashes.size).toBe(texts.length)
  })

  it('spreads sequential number texts over every bit', () => {
    const ones = Array.from({ length: 32 }, () => 0)
    const n = 20_000
    for (let i = 0; i < n; i++) {
      const hash = textHash((i / 100).toFixed(2), slot())
      for (let bit = 0; bit < 32; bit++) if ((hash >>> bit) & 1) ones[bit] = (ones[bit] ?? 0) + 1
    }
    for (const count of ones) expect(Math.abs(count / n - 0.5)).toBeLessThan(0.03)
  })
})
