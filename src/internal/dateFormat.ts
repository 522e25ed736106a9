/**
 * Dates written in a fixed format (`DD.MM.YYYY`, `MM/DD/YYYY`, `YYYY-MM-DD HH:mm`): parsing and
 * formatting, shared by the `DateFromFormat` codec and `dedupe`'s `latestBy` with a `dateFormat`.
 *
 * @internal
 * @packageDocumentation
 */

/** A compiled date format. @internal */
export interface DateFormat {
  /** The format as given. */
  readonly format: string
  /** The fields it has: `year`, `month`, `day`, and any of `hour`, `minute`, `second`. */
  readonly fields: readonly string[]
  /** The date the text holds (UTC), or undefined when it does not match or does not exist. */
  readonly parse: (text: string) => Date | undefined
  /** The date's UTC fields written in the format. */
  readonly write: (date: Date) => string
}

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'

/** The tokens, longest first: each a field, its pattern and its written width. */
const TOKENS: ReadonlyArray<readonly [string, Field, string, number]> = [
  ['YYYY', 'year', '(\\d{4})', 4],
  ['MM', 'month', '(\\d{2})', 2],
  ['M', 'month', '(\\d{1,2})', 1],
  ['DD', 'day', '(\\d{2})', 2],
  ['D', 'day', '(\\d{1,2})', 1],
  ['HH', 'hour', '(\\d{2})', 2],
  ['H', 'hour', '(\\d{1,2})', 1],
  ['mm', 'minute', '(\\d{2})', 2],
  ['ss', 'second', '(\\d{2})', 2],
]

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/**
 * Compiles a format of the tokens `YYYY`, `MM`/`M`, `DD`/`D`, `HH`/`H`, `mm`, `ss` and literal
 * characters between them. Throws a TypeError naming the problem for a format without a year,
 * month and day, with a field twice, or with letters that are no token (`YY`, `MMM`, `a`).
 *
 * @internal
 */
export function compileDateFormat(format: string, owner: string): DateFormat {
  let pattern = ''
  const order: Field[] = []
  const parts: Array<string | readonly [Field, number]> = []
  for (let index = 0; index < format.length;) {
    const token = TOKENS.find(([text]) => format.startsWith(text, index))
    if (token !== undefined) {
      const [text, field, regExp, width] = token
      if (order.includes(field))
        throw new TypeError(`${owner}: the format ${JSON.stringify(format)} has the ${field} twice`)
      order.push(field)
      pattern += regExp
      parts.push([field, width])
      index += text.length
      continue
    }
    const char = format[index] as string
    if (/[A-Za-z]/.test(char))
      throw new TypeError(
        `${owner}: the format ${JSON.stringify(format)} has ${JSON.stringify(char)} at ${index}, ` +
          'which is no token (use YYYY, MM or M, DD or D, HH or H, mm, ss)',
      )
    pattern += escapeRegExp(char)
    parts.push(char)
    index += 1
  }
  for (const field of ['year', 'month', 'day'] as const)
    if (!order.includes(field))
      throw new TypeError(`${owner}: the format ${JSON.stringify(format)} has no ${field}`)
  const matcher = new RegExp(`^${pattern}$`)

  const parse = (text: string): Date | undefined => {
    const match = matcher.exec(text.trim())
    if (match === null) return undefined
    const value: Record<Field, number> = {
      year: 0,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
    }
    order.forEach((field, index) => (value[field] = Number(match[index + 1])))
    const { year, month, day, hour, minute, second } = value
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
    if (hour > 23 || minute > 59 || second > 59) return undefined
    const date = new Date(0)
    date.setUTCFullYear(year, month - 1, day)
    date.setUTCHours(hour, minute, second, 0)
    return date
  }

  const write = (date: Date): string => {
    const fields: Record<Field, number> = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    }
    return parts
      .map((part) =>
        typeof part === 'string' ? part : String(fields[part[0]]).padStart(part[1], '0'),
      )
      .join('')
  }

  return { format, fields: order, parse, write }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}
