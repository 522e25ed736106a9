import fc from 'fast-check'
import * as t from 'io-ts'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { DateFromFormat } from '../../src/codecs/DateFromFormat.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { validate } from '../../src/operators/validate.js'
import { toArray } from '../../src/sinks/toArray.js'

const decoded = (format: string, value: unknown): string | 'rejected' => {
  const result: Either<unknown, Date> = DateFromFormat(format).decode(value)
  return isRight(result) ? result.right.toISOString() : 'rejected'
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

describe('DateFromFormat', () => {
  it('decodes dates in the given layout, as UTC', () => {
    expect(decoded('DD.MM.YYYY', '01.03.2024')).toBe('2024-03-01T00:00:00.000Z')
    expect(decoded('MM/DD/YYYY', ' 03/01/2024 ')).toBe('2024-03-01T00:00:00.000Z')
    expect(decoded('YYYY-MM-DD', '2024-03-01')).toBe('2024-03-01T00:00:00.000Z')
    expect(decoded('M/D/YYYY', '3/1/2024')).toBe('2024-03-01T00:00:00.000Z')
    expect(decoded('M/D/YYYY', '03/01/2024')).toBe('2024-03-01T00:00:00.000Z')
    expect(decoded('DD.MM.YYYY HH:mm:ss', '29.02.2024 23:59:58')).toBe('2024-02-29T23:59:58.000Z')
    expect(decoded('YYYY-MM-DD', '0099-01-01')).toBe('0099-01-01T00:00:00.000Z')
  })

  it('rejects other layouts, dates that do not exist, and non-strings', () => {
    for (const [format, text] of [
      ['DD.MM.YYYY', '2024-03-01'],
      ['DD.MM.YYYY', '30.02.2024'],
      ['DD.MM.YYYY', '29.02.2023'],
      ['MM/DD/YYYY', '13/01/2024'],
      ['MM/DD/YYYY', '3/1/2024'],
      ['DD.MM.YYYY', ''],
      ['DD.MM.YYYY', '01.03.2024x'],
      ['DD.MM.YYYY HH:mm', '01.03.2024 24:00'],
      ['DD.MM.YYYY HH:mm', '01.03.2024'],
    ])
      expect(decoded(format as string, text), `${format} ${text}`).toBe('rejected')
    for (const value of [0, null, undefined, new Date()])
      expect(decoded('DD.MM.YYYY', value)).toBe('rejected')
  })

  it('refuses a format without a year, month and day, or with letters that are no token', () => {
    expect(() => DateFromFormat('DD.MM')).toThrow(/has no year/)
    expect(() => DateFromFormat('DD.MMM.YYYY')).toThrow(/month twice/)
    expect(() => DateFromFormat('DD.MM.YY')).toThrow(/"Y" at 6, which is no token/)
    expect(() => DateFromFormat('YYYY-MM-DD hh:mm')).toThrow(/"h" at 11/)
  })

  it.each(['DD.MM.YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD', 'D.M.YYYY', 'YYYY-MM-DD HH:mm:ss'])(
    'agrees with a reference reading of %s and encodes back to the same text',
    (format) => {
      const withTime = format.includes('HH')
      const first = new Date(0).setUTCFullYear(0, 0, 1)
      const date = fc
        .integer({ min: first, max: Date.UTC(9999, 11, 31) })
        .map((ms) => ms - (((ms % (withTime ? 1000 : 86_400_000)) + 86_400_000) % 86_400_000))
        .map((ms) => new Date(ms))
        .filter((d) => d.getUTCFullYear() >= 0)
      fc.assert(
        fc.property(date, (d) => {
          const text = format
            .replace('YYYY', pad(d.getUTCFullYear(), 4))
            .replace('MM', pad(d.getUTCMonth() + 1))
            .replace('DD', pad(d.getUTCDate()))
            .replace('M', String(d.getUTCMonth() + 1))
            .replace('D', String(d.getUTCDate()))
            .replace('HH', pad(d.getUTCHours()))
            .replace('mm', pad(d.getUTCMinutes()))
            .replace('ss', pad(d.getUTCSeconds()))
          expect(decoded(format, text)).toBe(d.toISOString())
          expect(DateFromFormat(format).encode(d)).toBe(text)
        }),
      )
    },
  )

  it('names the format in validate messages', async () => {
    const report = await pipe(
      fromGenerator([{ closed: '30.02.2024' }]),
      validate(t.type({ closed: DateFromFormat('DD.MM.YYYY') })),
      toArray(),
    )
    expect(report.failures[0]?.message).toContain(
      'closed: expected date as DD.MM.YYYY, got "30.02.2024"',
    )
  })
})
