import * as t from 'io-ts'
import { compileDateFormat } from '../internal/dateFormat.js'
import { codecTraits } from '../internal/codecTraits.js'

/**
 * A codec from a date written in a fixed format (`'DD.MM.YYYY'`, `'MM/DD/YYYY'`,
 * `'YYYY-MM-DD HH:mm'`) to a valid `Date`, read as UTC: a date alone is midnight UTC, as
 * JavaScript reads `2024-03-01`.
 *
 * Tokens: `YYYY` (four digits), `MM` or `M` (month, two digits or one or two), `DD` or `D` (day),
 * `HH` or `H` (hour, 0–23), `mm` (minute), `ss` (second); any other character stands for itself.
 * Surrounding whitespace is ignored. Rejected: text in another layout (`'2024-03-01'` for
 * `'DD.MM.YYYY'`), dates that do not exist (`'30.02.2024'`, month 13, hour 24), and the empty
 * string; the message names the format (`closed: expected date as DD.MM.YYYY, got "30.02.2024"`).
 * Only strings decode. Encodes back in the same format (UTC fields; a time the format has no
 * field for is left out). A format without year, month and day, or with letters that are no token
 * (`'YY'`, `'MMM'`), is a TypeError when the codec is made.
 *
 * @example
 * ```ts
 * import * as t from 'io-ts'
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { DateFromFormat } from 'powerflow-etl'
 *
 * const Deal = t.type({ closed: DateFromFormat('DD.MM.YYYY') })
 * const deal = Deal.decode({ closed: '01.03.2024' })
 * console.assert(isRight(deal) && deal.right.closed.toISOString() === '2024-03-01T00:00:00.000Z')
 * console.assert(!isRight(DateFromFormat('MM/DD/YYYY').decode('13/01/2024')))
 * console.assert(DateFromFormat('MM/DD/YYYY').encode(new Date('2024-03-01')) === '03/01/2024')
 * ```
 *
 * @param format - the layout, such as `'DD.MM.YYYY'`
 * @returns a codec from such strings to `Date`
 * @category codecs
 * @since 0.2.0
 */
export function DateFromFormat(format: string): t.Type<Date, string, unknown> {
  const compiled = compileDateFormat(format, 'DateFromFormat')
  const codec = new t.Type<Date, string, unknown>(
    `date as ${format}`,
    (value): value is Date => value instanceof Date && !Number.isNaN(value.getTime()),
    (value, context) => {
      if (typeof value !== 'string') return t.failure(value, context)
      const date = compiled.parse(value)
      return date === undefined ? t.failure(value, context) : t.success(date)
    },
    (date) => compiled.write(date),
  )
  codecTraits.set(codec, { kind: 'dateFormat', fields: compiled.fields })
  return codec
}
