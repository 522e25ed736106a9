import fc from 'fast-check'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { Email } from '../../src/codecs/Email.js'

const decoded = (value: unknown): string | 'rejected' => {
  const result: Either<unknown, string> = Email.decode(value)
  return isRight(result) ? result.right : 'rejected'
}

describe('Email', () => {
  it('accepts common addresses, trimmed, keeping their case', () => {
    expect(decoded(' ada@example.com ')).toBe('ada@example.com')
    expect(decoded('First.Last+tag@mail.example.co.uk')).toBe('First.Last+tag@mail.example.co.uk')
  })

  it('rejects blanks, missing or doubled @, domains without a dot or with empty labels', () => {
    for (const value of [
      '',
      'ada',
      'ada@',
      '@example.com',
      'ada@example',
      'ada@@example.com',
      'ada@exa@mple.com',
      'ada lovelace@example.com',
      'ada@example..com',
      'ada@.example.com',
      'ada@example.com.',
      `${'a'.repeat(250)}@x.co`,
      42,
      null,
    ])
      expect(decoded(value), String(value)).toBe('rejected')
  })

  it('encodes back to a string that decodes to the same address', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        fc.pre(address.length <= 254)
        expect(decoded(Email.encode(address))).toBe(address)
      }),
    )
  })
})
