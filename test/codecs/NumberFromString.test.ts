import fc from 'fast-check'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'

const decoded = (value: unknown): number | 'rejected' => {
  const result: Either<unknown, number> = NumberFromString.decode(value)
  return isRight(result) ? result.right : 'rejected'
}

describe('NumberFromString', () => {
  it('decodes decimals with a sign, a fraction, an exponent and surrounding whitespace', () => {
    expect(decoded('12')).toBe(12)
    expect(decoded(' 12.5 ')).toBe(12.5)
    expect(decoded('-1e3')).toBe(-1000)
    expect(decoded('+.5')).toBe(0.5)
    expect(decoded('7.')).toBe(7)
    expect(decoded('1E-2')).toBe(0.01)
  })

  it('rejects empty, non-numeric, NaN, infinite, hexadecimal and thousands-separated strings', () => {
    for (const text of [
      '',
      '  ',
      'abc',
      'NaN',
      'Infinity',
      '-Infinity',
      '0x10',
      '1e400',
      '1,000',
      '1 000',
      '1_000',
      '12abc',
      '.',
      '-',
      'e3',
    ])
      expect(decoded(text), text).toBe('rejected')
  })

  it('rejects values that are not strings, numbers included', () => {
    for (const value of [12, null, undefined, true, {}]) expect(decoded(value)).toBe('rejected')
  })

  it('encodes back to a string that decodes to the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = NumberFromString.encode(n)
        expect(typeof text).toBe('string')
        expect(Object.is(decoded(text), n)).toBe(true)
      }),
    )
  })

  it('tells decoded values apart with is', () => {
    expect(NumberFromString.is(1.5)).toBe(true)
    expect(NumberFromString.is(Number.NaN)).toBe(false)
    expect(NumberFromString.is('1.5')).toBe(false)
  })
})
