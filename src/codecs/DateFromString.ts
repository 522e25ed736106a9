import * as t from 'io-ts'

/**
 * ISO 8601 calendar date, optionally with a time (`T` or one space between) and an offset:
 * year (4 digits, or 6 with a sign), month, day; hours and minutes; seconds; a fraction; `Z` or
 * `±HH:MM` / `±HHMM`.
 */
const ISO_8601 =
  /^(\d{4}|[+-]\d{6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * A codec from an ISO 8601 string (as a CSV or JSON cell holds a date) to a valid `Date`.
 *
 * Accepted: `2024-03-01` (midnight UTC, as JavaScript reads a date alone),
 * `2024-03-01T09:30`, `2024-03-01T09:30:15`, `2024-03-01 09:30:15.250`, each with an optional `Z`
 * or offset (`+02:00`, `-0500`), and years of six digits with a sign (`+012024-03-01`). A date-time
 * *without* an offset is read in the local time zone, as JavaScript's `Date` does — give an offset
 * (or `Z`) when the result must not depend on the machine. Surrounding whitespace is ignored.
 * Rejected: other formats (`03/01/2024`, `1 March 2024`, timestamps in milliseconds), dates that do
 * not exist (`2024-02-30`, `2023-02-29`, month 13, hour 24) and the empty string. Only strings
 * decode. Encodes back with `toISOString()` (UTC, milliseconds).
 *
 * @example
 * ```ts
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { DateFromString } from 'powerflow-etl'
 *
 * const closed = DateFromString.decode('2024-03-01T09:30:00+02:00')
 * console.assert(isRight(closed) && closed.right.toISOString() === '2024-03-01T07:30:00.000Z')
 * console.assert(!isRight(DateFromString.decode('2024-02-30')))
 * ```
 *
 * @category codecs
 * @since 0.1.0
 */
export const DateFromString: t.Type<Date, string, unknown> = new t.Type<Date, string, unknown>(
  'ISO 8601 date string',
  (value): value is Date => value instanceof Date && !Number.isNaN(value.getTime()),
  (value, context) => {
    if (typeof value !== 'string') return t.failure(value, context)
    const date = parseIso8601(value.trim())
    return date === undefined ? t.failure(value, context) : t.success(date)
  },
  (date) => date.toISOString(),
)

function parseIso8601(text: string): Date | undefined {
  const match = ISO_8601.exec(text)
  if (match === null) return undefined
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zone] = match
  if (yearText === '-000000') return undefined
  const year = Number(yearText)
  const month = Number(monthText)
  const day = Number(dayText)
  const hour = Number(hourText ?? 0)
  const minute = Number(minuteText ?? 0)
  const second = Number(secondText ?? 0)
  const millisecond = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined

  const date = new Date(0)
  // A date alone is UTC in JavaScript; a date-time without an offset is local time.
  if (hourText !== undefined && zone === undefined) {
    date.setFullYear(year, month - 1, day)
    date.setHours(hour, minute, second, millisecond)
  } else {
    date.setUTCFullYear(year, month - 1, day)
    date.setUTCHours(hour, minute, second, millisecond)
    if (zone !== undefined && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1
      const digits = zone.slice(1).replace(':', '')
      const offsetHours = Number(digits.slice(0, 2))
      const offsetMinutes = Number(digits.slice(2))
      if (offsetHours > 23 || offsetMinutes > 59) return undefined
      date.setTime(date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000)
    }
  }
  return Number.isNaN(date.getTime()) ? undefined : date
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}
