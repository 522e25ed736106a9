import fc from 'fast-check'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { DateFromString } from '../../src/codecs/DateFromString.js'

const decoded = (value: unknown): string | 'rejected' => {
  const result: Either<unknown, Date> = DateFromString.decode(value)
  return isRight(result) ? result.right.toISOString() : 'rejected'
}

describe('DateFromString', () => {
  it('decodes a date alone as midnight UTC', () => {
    expect(decoded('2024-03-01')).toBe('2024-03-01T00:00:00.000Z')
    expect(decoded(' 2024-02-29 ')).toBe('2024-02-29T00:00:00.000Z')
  })

  it('decodes date-times with Z or an offset, with or without seconds and fractions', () => {
    expect(decoded('2024-03-01T09:30Z')).toBe('2024-03-01T09:30:00.000Z')
    expect(decoded('2024-03-01T09:30:15.250Z')).toBe('2024-03-01T09:30:15.250Z')
    expect(decoded('2024-03-01T09:30:00+02:00')).toBe('2024-03-01T07:30:00.000Z')
    expect(decoded('2024-03-01 09:30:00-0500')).toBe('2024-03-01T14:30:00.000Z')
    expect(decoded('2024-03-01T09:30:15.123456789Z')).toBe('2024-03-01T09:30:15.123Z')
    expect(decoded('+012024-03-01T00:00:00Z')).toBe('+012024-03-01T00:00:00.000Z')
  })

  it('reads a date-time without an offset in local time, as JavaScript does', () => {
    expect(decoded('2024-03-01T09:30:15')).toBe(new Date(2024, 2, 1, 9, 30, 15).toISOString())
  })

  it('rejects other formats, dates that do not exist and values that are not strings', () => {
    for (const value of [
      '',
      '03/01/2024',
      '1 March 2024',
      '1709251200000',
      '2024-3-1',
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-03-01T24:00:00Z',
      '2024-03-01T09:60Z',
      '2024-03-01T09:30:00+25:00',
      '-000000-01-01',
      new Date(0),
      0,
      null,
    ])
      expect(decoded(value), String(value)).toBe('rejected')
  })

  it('encodes back to an ISO string that decodes to the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }),
        (date) => {
          const text = DateFromString.encode(date)
          expect(decoded(text)).toBe(date.toISOString())
        },
      ),
    )
  })
})
