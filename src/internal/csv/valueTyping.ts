/**
 * Optional typing of CSV values: numbers, booleans, ISO 8601 dates and empty-as-null. Conservative
 * on purpose: a value converts only when nothing is lost, so `007` (a code, not a number) and
 * integers beyond 2^53 stay strings.
 *
 * @internal
 * @packageDocumentation
 */

/** Which conversions are on. @internal */
export interface ValueTypingSettings {
  readonly numbers: boolean
  readonly booleans: boolean
  readonly dates: boolean
  readonly nulls: boolean
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/
const INTEGER = /^-?(?:0|[1-9]\d*)$/
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function toDate(value: string): Date | undefined {
  const match = ISO_DATE.exec(value)
  if (match === null) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (match[4] !== undefined && (Number(match[4]) > 23 || Number(match[5]) > 59)) return undefined
  if (match[6] !== undefined && Number(match[6]) > 59) return undefined
  const date = new Date(value.length > 10 ? value.replace(' ', 'T') : value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** A typer of fields: to fromCsv's `CsvValue` (a number, boolean, Date, null or the string). @internal */
export function valueTyper(
  settings: ValueTypingSettings,
): (value: string) => string | number | boolean | Date | null {
  const { numbers, booleans, dates, nulls } = settings
  return (value) => {
    if (value === '') return nulls ? null : value
    const first = value.charCodeAt(0)
    // Digits and '-' start numbers and dates; 't'/'f' booleans: skip the rest quickly.
    if ((first >= 48 && first <= 57) || first === 45) {
      if (numbers && NUMBER.test(value)) {
        const number = Number(value)
        if (Number.isFinite(number) && (!INTEGER.test(value) || Number.isSafeInteger(number)))
          return number
      }
      if (dates) return toDate(value) ?? value
      return value
    }
    if (booleans && value.length <= 5) {
      const lower = value.toLowerCase()
      if (lower === 'true') return true
      if (lower === 'false') return false
    }
    return value
  }
}
