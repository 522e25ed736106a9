import fc from 'fast-check'
import * as t from 'io-ts'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { MoneyFromString, type MoneyFromStringOptions } from '../../src/codecs/MoneyFromString.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { validate } from '../../src/operators/validate.js'
import { toArray } from '../../src/sinks/toArray.js'

const decoder =
  (codec: t.Type<number, string, unknown>) =>
  (value: unknown): number | 'rejected' => {
    const result: Either<unknown, number> = codec.decode(value)
    return isRight(result) ? result.right : 'rejected'
  }

/** Cents as integers, divided: the amounts money columns hold. */
const amounts = fc
  .integer({ min: -(2 ** 43), max: 2 ** 43 })
  .map((cents) => cents / 100)
  .map((n) => (Object.is(n, -0) ? 0 : n))

describe('MoneyFromString', () => {
  it('decodes amounts with thousands separators, a currency, a sign or parentheses', () => {
    const decoded = decoder(MoneyFromString())
    expect(decoded('1,200.50')).toBe(1200.5)
    expect(decoded('$300')).toBe(300)
    expect(decoded(' 1,234,567.89 ')).toBe(1234567.89)
    expect(decoded('1200.5')).toBe(1200.5)
    expect(decoded('-$300')).toBe(-300)
    expect(decoded('$-300')).toBe(-300)
    expect(decoded('\u2212300')).toBe(-300)
    expect(decoded('(1,200.50)')).toBe(-1200.5)
    expect(decoded('300 USD')).toBe(300)
    expect(decoded('USD 300')).toBe(300)
    expect(decoded('-0.00')).toBe(0)
  })

  it('reads the European layout with explicit separators or a locale', () => {
    expect(decoder(MoneyFromString({ decimal: ',', group: '.' }))('€1.200,50')).toBe(1200.5)
    expect(decoder(MoneyFromString({ decimal: ',' }))('1.200,50 €')).toBe(1200.5)
    expect(decoder(MoneyFromString({ locale: 'de-DE' }))('(1.234,5 €)')).toBe(-1234.5)
    const french = decoder(MoneyFromString({ locale: 'fr-FR' }))
    expect(french('1\u202f234,50\u00a0€')).toBe(1234.5)
    expect(french('1 234,50 €')).toBe(1234.5)
    expect(decoder(MoneyFromString({ group: "'" }))("CHF 1'234.50")).toBe(1234.5)
    expect(decoder(MoneyFromString({ group: '' }))('1,234')).toBe('rejected')
  })

  it('rejects separators out of place, two currencies or signs, unknown currencies, and too many digits', () => {
    const decoded = decoder(MoneyFromString())
    for (const text of [
      '',
      ' ',
      'abc',
      '12,00.50',
      '1.200,50',
      '1,2345',
      '1.2.3',
      '$300 USD',
      '--300',
      '-(300)',
      '(-300)',
      '300$$',
      '1,200.',
      '.5e3',
      '9007199254740993',
      '1234567890123456',
    ])
      expect(decoded(text), text).toBe('rejected')
    const euros = decoder(MoneyFromString({ decimal: ',', currency: ['€', 'EUR'] }))
    expect(euros('$300')).toBe('rejected')
    expect(euros('300 EUR')).toBe(300)
  })

  it('rejects values that are not strings, numbers included', () => {
    for (const value of [12, null, undefined, true, {}])
      expect(decoder(MoneyFromString())(value)).toBe('rejected')
  })

  it('refuses separators that cannot work when it is made', () => {
    expect(() => MoneyFromString({ decimal: '.', group: '.' })).toThrow(/group separator/)
    expect(() => MoneyFromString({ decimal: ';' as ',' })).toThrow(/decimal separator/)
  })

  it.each<MoneyFromStringOptions>([
    {},
    { decimal: ',', group: '.' },
    { locale: 'de-CH' },
    { group: '' },
  ])('encodes amounts back to text that decodes to the same number (%j)', (options) => {
    const codec = MoneyFromString(options)
    fc.assert(
      fc.property(amounts, (n) => {
        expect(decoder(codec)(codec.encode(n))).toBe(n)
      }),
    )
  })

  it('decodes what the reference layout writes: sign, currency and grouping in any combination', () => {
    fc.assert(
      fc.property(
        amounts,
        fc.constantFrom('', '$', '€ ', 'USD '),
        fc.constantFrom('minus', 'parentheses'),
        (n, currency, negative) => {
          const body = `${currency}${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(Math.abs(n))}`
          const text = n < 0 ? (negative === 'minus' ? `-${body}` : `(${body})`) : body
          expect(decoder(MoneyFromString())(text)).toBe(n)
        },
      ),
    )
  })

  it('names the separators in validate messages', async () => {
    const report = await pipe(
      fromGenerator([{ amount: '1.200,50' }]),
      validate(t.type({ amount: MoneyFromString() })),
      toArray(),
    )
    expect(report.failures[0]?.message).toContain(
      'amount: expected money amount (decimal ".", group ","), got "1.200,50"',
    )
  })

  it('tells decoded values apart with is', () => {
    expect(MoneyFromString().is(1.5)).toBe(true)
    expect(MoneyFromString().is(Number.NaN)).toBe(false)
    expect(MoneyFromString().is('1.5')).toBe(false)
  })
})
