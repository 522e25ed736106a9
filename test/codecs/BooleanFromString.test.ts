import fc from 'fast-check'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { BooleanFromString } from '../../src/codecs/BooleanFromString.js'

const decoded = (value: unknown): boolean | 'rejected' => {
  const result: Either<unknown, boolean> = BooleanFromString.decode(value)
  return isRight(result) ? result.right : 'rejected'
}

describe('BooleanFromString', () => {
  it('decodes true/false, 1/0 and yes/no in any case, ignoring surrounding whitespace', () => {
    for (const text of ['true', 'TRUE', 'True', '1', 'yes', 'YES', ' yes '])
      expect(decoded(text), text).toBe(true)
    for (const text of ['false', 'FALSE', '0', 'no', 'No', ' false\t'])
      expect(decoded(text), text).toBe(false)
  })

  it('rejects anything else, the empty string and actual booleans included', () => {
    for (const value of ['', 'y', 'n', 'on', 'off', '2', 'truthy', true, false, 1, null])
      expect(decoded(value), String(value)).toBe('rejected')
  })

  it('encodes back to a string that decodes to the same boolean', () => {
    fc.assert(
      fc.property(fc.boolean(), (flag) => {
        expect(decoded(BooleanFromString.encode(flag))).toBe(flag)
      }),
    )
    expect(BooleanFromString.encode(true)).toBe('true')
  })
})
