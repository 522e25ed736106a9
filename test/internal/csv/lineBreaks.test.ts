import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countChar, nextBreak } from '../../../src/internal/csv/lineBreaks.js'

describe('countChar', () => {
  it('counts a character between two offsets, as a split would', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '\n', '\r') }),
        fc.nat(),
        fc.nat(),
        (text, a, b) => {
          const from = Math.min(a, b) % (text.length + 1)
          const to = Math.max(a, b) % (text.length + 1)
          const expected = to <= from ? 0 : text.slice(from, to).split('\n').length - 1
          expect(countChar(text, '\n', from, Math.max(from, to))).toBe(expected)
        },
      ),
    )
  })
})

describe('nextBreak', () => {
  it('finds the first \\n or \\r at or after an offset', () => {
    expect(nextBreak('ab\r\ncd\n', 0)).toBe(2)
    expect(nextBreak('ab\r\ncd\n', 3)).toBe(3)
    expect(nextBreak('ab\r\ncd\n', 4)).toBe(6)
    expect(nextBreak('abc', 0)).toBe(-1)
  })
})
