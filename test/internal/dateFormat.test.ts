import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileDateFormat } from '../../src/internal/dateFormat.js'

const FORMATS = [
  'DD.MM.YYYY',
  'MM/DD/YYYY',
  'YYYY-MM-DD',
  'YYYY-MM-DD HH:mm',
  'YYYY-MM-DD HH:mm:ss',
  'D.M.YYYY H:mm',
]

/** A UTC date in years 1000–9999, to the second, or to the minute/day the format keeps. */
const date = fc
  .date({
    min: new Date('1000-01-01T00:00:00Z'),
    max: new Date('9999-12-31T23:59:59Z'),
    noInvalidDate: true,
  })
  .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000))

function truncated(value: Date, fields: readonly string[]): Date {
  const copy = new Date(value)
  if (!fields.includes('second')) copy.setUTCSeconds(0)
  if (!fields.includes('minute')) copy.setUTCMinutes(0)
  if (!fields.includes('hour')) copy.setUTCHours(0)
  return copy
}

describe('compileDateFormat', () => {
  it('parses back what it writes, to the fields the format has', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FORMATS), date, (format, value) => {
        const compiled = compileDateFormat(format, 'test')
        const text = compiled.write(value)
        expect(compiled.parse(text)?.toISOString()).toBe(
          truncated(value, compiled.fields).toISOString(),
        )
        expect(compiled.write(compiled.parse(text)!)).toBe(text)
      }),
    )
  })

  it('writes each field zero-padded to its token width', () => {
    const value = new Date(Date.UTC(2026, 2, 5, 7, 4, 9))
    expect(compileDateFormat('DD.MM.YYYY', 't').write(value)).toBe('05.03.2026')
    expect(compileDateFormat('D.M.YYYY H:mm', 't').write(value)).toBe('5.3.2026 7:04')
    expect(compileDateFormat('YYYY-MM-DD HH:mm:ss', 't').write(value)).toBe('2026-03-05 07:04:09')
  })

  it('lists the fields in the order of the format', () => {
    expect(compileDateFormat('MM/DD/YYYY HH:mm', 't').fields).toEqual([
      'month',
      'day',
      'year',
      'hour',
      'minute',
    ])
  })

  it('parses text with surrounding whitespace, as UTC', () => {
    expect(compileDateFormat('DD.MM.YYYY', 't').parse(' 29.02.2024 ')?.toISOString()).toBe(
      '2024-02-29T00:00:00.000Z',
    )
  })

  it('gives undefined for text that does not match or a date that does not exist', () => {
    const format = compileDateFormat('DD.MM.YYYY HH:mm', 't')
    for (const text of [
      '',
      '1.2.2026 10:00',
      '29.02.2023 10:00',
      '29.02.1900 10:00',
      '31.04.2026 10:00',
      '00.01.2026 10:00',
      '01.13.2026 10:00',
      '01.01.2026 24:00',
      '01.01.2026 10:60',
      '01-01-2026 10:00',
      '01.01.2026 10:00 extra',
    ])
      expect(format.parse(text), text).toBeUndefined()
    expect(format.parse('29.02.2000 23:59')?.toISOString()).toBe('2000-02-29T23:59:00.000Z')
  })

  it('takes regular-expression characters of the format literally', () => {
    const format = compileDateFormat('YYYY.MM.DD', 't')
    expect(format.parse('2026x01x02')).toBeUndefined()
    expect(format.parse('2026.01.02')?.toISOString()).toBe('2026-01-02T00:00:00.000Z')
  })

  it('refuses a format without a year, month or day, with a field twice, or with a letter that is no token', () => {
    expect(() => compileDateFormat('MM/DD', 'DateFromFormat')).toThrow(
      new TypeError('DateFromFormat: the format "MM/DD" has no year'),
    )
    expect(() => compileDateFormat('YYYY-MM-DD-DD', 'DateFromFormat')).toThrow(
      new TypeError('DateFromFormat: the format "YYYY-MM-DD-DD" has the day twice'),
    )
    expect(() => compileDateFormat('YY-MM-DD', 'DateFromFormat')).toThrow(
      new TypeError(
        'DateFromFormat: the format "YY-MM-DD" has "Y" at 0, which is no token (use YYYY, MM or M, DD or D, HH or H, mm, ss)',
      ),
    )
    expect(() => compileDateFormat('YYYY-MMM-DD', 'x')).toThrow(TypeError)
  })
})
