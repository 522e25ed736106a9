import fc from 'fast-check'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { TrimmedNonEmptyString } from '../../src/codecs/TrimmedNonEmptyString.js'

const decoded = (value: unknown): string | 'rejected' => {
  const result: Either<unknown, string> = TrimmedNonEmptyString.decode(value)
  return isRight(result) ? result.right : 'rejected'
}

describe('TrimmedNonEmptyString', () => {
  it('trims surrounding whitespace and keeps inner whitespace', () => {
    expect(decoded('  Ada  Lovelace\t')).toBe('Ada  Lovelace')
    expect(decoded('x')).toBe('x')
  })

  it('rejects strings that are empty once trimmed, and values that are not strings', () => {
    for (const value of ['', ' ', '\t\n', '\u00a0', 0, null, undefined])
      expect(decoded(value), String(value)).toBe('rejected')
  })

  it('encodes back to a string that decodes to the same string', () => {
    const trimmed = fc
      .string({ minLength: 1 })
      .filter((text) => text.trim() === text && text !== '')
    fc.assert(
      fc.property(trimmed, (text) => {
        expect(decoded(TrimmedNonEmptyString.encode(text))).toBe(text)
        expect(TrimmedNonEmptyString.is(text)).toBe(true)
      }),
    )
  })
})
