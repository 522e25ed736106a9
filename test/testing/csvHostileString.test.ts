import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvHostileString } from '../../src/testing/csvHostileString.js'

/** No lone surrogates: a UTF-8 round trip gives the string back. */
const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s

describe('csvHostileString', () => {
  it('generates only well-formed strings that survive a UTF-8 round trip', () => {
    fc.assert(
      fc.property(csvHostileString(), (s) => {
        expect(wellFormed(s)).toBe(true)
      }),
      {
        numRuns: 500,
      },
    )
  })

  it('covers every hostile case often in a modest sample', () => {
    const samples = fc.sample(csvHostileString(), { numRuns: 500, seed: 2024 })
    const cases: Record<string, (s: string) => boolean> = {
      empty: (s) => s === '',
      comma: (s) => s.includes(','),
      quote: (s) => s.includes('"'),
      'doubled quote': (s) => s.includes('""'),
      CR: (s) => /\r(?!\n)/.test(s),
      LF: (s) => /(?<!\r)\n/.test(s),
      CRLF: (s) => s.includes('\r\n'),
      'leading =': (s) => s.startsWith('='),
      'leading +': (s) => s.startsWith('+'),
      'leading -': (s) => s.startsWith('-'),
      'leading @': (s) => s.startsWith('@'),
      'leading BOM': (s) => s.startsWith('\uFEFF'),
      'leading space': (s) => s.startsWith(' '),
      astral: (s) => /[\u{10000}-\u{10FFFF}]/u.test(s),
      'combining mark': (s) => /\p{M}/u.test(s),
      'ordinary letters': (s) => /[a-z]{2}/i.test(s),
    }
    for (const [name, holds] of Object.entries(cases)) {
      const count = samples.filter(holds).length
      expect(count, `${name} appears in ${count} of 500`).toBeGreaterThanOrEqual(5)
    }
  })

  it('keeps to options.maxPieces', () => {
    const bare = fc.sample(csvHostileString({ maxPieces: 0 }), { numRuns: 200, seed: 5 })
    expect(new Set(bare)).toEqual(new Set(['', '=', '+', '-', '@', '\uFEFF']))
    const longer = fc.sample(csvHostileString(), { numRuns: 200, seed: 5 })
    expect(longer.some((s) => s.length > 6)).toBe(true)
  })
})
