import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JsonSkipError, JsonValueSkipper } from '../../../src/internal/json/JsonValueSkipper.js'

/** Whether the skipper takes `text` as one JSON value, fed in pieces cut at `cuts`. */
function accepts(text: string, cuts: readonly number[], maxDepth = 1000): boolean {
  const skipper = new JsonValueSkipper(maxDepth)
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b)
  let from = 0
  try {
    for (const point of [...points, text.length]) {
      if (point <= from) continue
      const piece = text.slice(from, point)
      const end = skipper.skip(piece, 0)
      if (end >= 0) return /^[ \t\r\n]*$/.test(piece.slice(end) + text.slice(point))
      from = point
    }
    skipper.finish(0)
    return true
  } catch (error) {
    if (error instanceof JsonSkipError) return false
    throw error
  }
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe('JsonValueSkipper', () => {
  it('accepts what JSON.parse accepts, however the text is cut', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.nat(), { maxLength: 6 }), (value, cuts) => {
        const text = JSON.stringify(value, null, cuts.length % 2 === 0 ? undefined : 1)
        expect(accepts(text, cuts)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('agrees with JSON.parse on texts made of JSON pieces', () => {
    const token = fc.constantFrom(
      '[',
      ']',
      '{',
      '}',
      ',',
      ':',
      '"a"',
      '"\\q"',
      '"\\u00e9"',
      '"\\u00g"',
      '1',
      '-',
      '01',
      '1.',
      '.5',
      '1e5',
      '1e',
      'true',
      'tru',
      'null',
      ' ',
      '\n',
      '"\t"',
      '\\',
    )
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (tokens, cuts) => {
          const text = tokens.join('')
          // A lone number followed by nothing is a whole value only at the end of the input.
          expect(accepts(text, cuts), text).toBe(parses(text))
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it('refuses nesting deeper than maxDepth without keeping a list per bracket', () => {
    expect(() => new JsonValueSkipper(10).skip('['.repeat(11), 0)).toThrow(
      'nesting deeper than maxDepth (10)',
    )
    expect(accepts(`${'['.repeat(10)}${']'.repeat(10)}`, [], 10)).toBe(true)
  })

  it('goes through a run of backslashes in one pass, cut anywhere', () => {
    const text = `"${'\\\\'.repeat(50_000)}\\""`
    expect(accepts(text, [1, 7, 50_001, 99_999])).toBe(true)
    expect(accepts(`"${'\\\\'.repeat(50_000)}\\"`, [3])).toBe(false)
  })
})
