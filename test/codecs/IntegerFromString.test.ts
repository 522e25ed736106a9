import fc from 'fast-check'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { IntegerFromString } from '../../src/codecs/IntegerFromString.js'

const decoded = (value: unknown): number | 'rejected' => {
  const result: Either<unknown, number> = IntegerFromString.decode(value)
  return isRight(result) ? result.right : 'rejected'
}

describe('IntegerFromString', () => {
  it('decodes whole numbers with a sign and surrounding whitespace', () => {
    expect(decoded('42')).toBe(42)
    expect(decoded(' -42 ')).toBe(-42)
    expect(decoded('+7')).toBe(7)
    expect(decoded('007')).toBe(7)
  })

  it('rejects fractions, exponents, separators, blanks and unsafe integers', () => {
    for (const text of ['', ' ', '4.2', '1.0', '1e3', '1,000', 'abc', 'NaN', '9007199254740993'])
      expect(decoded(text), text).toBe('rejected')
    expect(decoded(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('rejects values that are not strings', () => {
    for (const value of [42, null, undefined]) expect(decoded(value)).toBe('rejected')
  })

  it('encodes back to a string that decodes to the same integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(Object.is(decoded(IntegerFromString.encode(n)), n)).toBe(true)
      }),
    )
    expect(Object.is(decoded(IntegerFromString.encode(-0)), -0)).toBe(true)
  })
})
