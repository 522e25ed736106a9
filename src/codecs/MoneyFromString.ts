import * as t from 'io-ts'
import { codecTraits } from '../internal/codecTraits.js'

/**
 * Options of {@link MoneyFromString}: the separators, given directly or by a locale.
 *
 * @category codecs
 * @since 0.2.0
 */
export interface MoneyFromStringOptions {
  /** The decimal separator (default `.`, or the locale's). */
  readonly decimal?: '.' | ','
  /**
   * The thousands separator (default `,` when the decimal separator is `.`, else `.`; or the
   * locale's). `''` accepts no grouping; `' '` also accepts the no-break spaces French and other
   * locales write.
   */
  readonly group?: ',' | '.' | ' ' | "'" | '’' | ''
  /** A BCP 47 locale (`'de-DE'`, `'fr-FR'`) whose separators to use, unless given above. */
  readonly locale?: string
  /**
   * The currency symbols or codes accepted before or after the amount (`['€', 'EUR']`). Default:
   * any of `$ € £ ¥ ₹ ₩ ₽ ₺ ₪ ₫ ₱ ₦ ₴` or three capital letters (`USD`) — the currency is then
   * not checked: give it when the data must all be in one currency.
   */
  readonly currency?: string | readonly string[]
}

/** More significant digits than a double keeps exactly. */
const MAX_DIGITS = 15

const ANY_CURRENCY = '[$€£¥₹₩₽₺₪₫₱₦₴]|[A-Z]{3}'

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/**
 * A codec from a money amount written as text (`'1,200.50'`, `'$300'`, `'€1.200,50'`,
 * `'-45.00 USD'`, `'(1,200.50)'`) to a `number`, with the separators given or taken from a
 * locale.
 *
 * Accepted: digits with thousands separators in their places (`1,200,000.5`) or none (`1200.5`),
 * a decimal part, a sign (`-`, `+` or `−`) before the amount or the currency, one currency symbol
 * or code before or after it (a space between allowed), and parentheses for a negative amount
 * (accounting style). Surrounding whitespace is ignored. Rejected: a separator out of place
 * (`'12,00.50'` with decimal `.`: likely a decimal comma, so ask for `decimal: ','`), two
 * decimal separators, a currency not in `currency`, more than 15 significant digits (a `number`
 * would change them), and the empty string; the message names the separators
 * (`amount: expected money amount (decimal ".", group ","), got "1.200,50"`). Only strings decode.
 * Encodes with the same separators, grouped, without a currency (`-1200.5` → `'-1,200.5'`).
 * A number is a binary fraction: sum cents as integers (`Math.round(amount * 100)`) when totals
 * must be exact.
 *
 * @example
 * ```ts
 * import * as t from 'io-ts'
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { MoneyFromString } from 'powerflow-etl'
 *
 * const Deal = t.type({ amount: MoneyFromString() })
 * const deal = Deal.decode({ amount: '$1,200.50' })
 * console.assert(isRight(deal) && deal.right.amount === 1200.5)
 *
 * const euros = MoneyFromString({ decimal: ',', group: '.', currency: '€' })
 * const total = euros.decode('€1.200,50')
 * console.assert(isRight(total) && total.right === 1200.5)
 * console.assert(!isRight(euros.decode('$300')))
 *
 * const german = MoneyFromString({ locale: 'de-DE' })
 * const refund = german.decode('(1.234,5 €)')
 * console.assert(isRight(refund) && refund.right === -1234.5)
 * ```
 *
 * @param options - separators (or a locale) and the accepted currencies
 * @returns a codec from money strings to `number`
 * @category codecs
 * @since 0.2.0
 */
export function MoneyFromString(
  options: MoneyFromStringOptions = {},
): t.Type<number, string, unknown> {
  const { decimal, group } = separators(options)
  const currencies =
    options.currency === undefined
      ? ANY_CURRENCY
      : (typeof options.currency === 'string' ? [options.currency] : options.currency)
          .map(escapeRegExp)
          .join('|')
  const groupPattern = group === ' ' ? '[ \\u00a0\\u202f]' : escapeRegExp(group)
  const integer = group === '' ? '\\d+' : `\\d{1,3}(?:${groupPattern}\\d{3})+|\\d+`
  const amount = `(${integer})(?:${escapeRegExp(decimal)}(\\d+))?`
  const sign = '[-+\\u2212]'
  const pattern = new RegExp(
    `^(${sign})?\\s*(${currencies})?\\s*(${sign})?\\s*${amount}\\s*(${currencies})?$`,
  )
  const name = `money amount (decimal ${JSON.stringify(decimal)}, ${
    group === '' ? 'no grouping' : `group ${JSON.stringify(group)}`
  })`

  const parse = (text: string): number | undefined => {
    let body = text.trim()
    let negative = false
    if (body.startsWith('(') && body.endsWith(')')) {
      negative = true
      body = body.slice(1, -1).trim()
    }
    const match = pattern.exec(body)
    if (match === null) return undefined
    const [
      ,
      signBefore,
      currencyBefore,
      signAfter,
      integerText = '',
      fraction = '',
      currencyAfter,
    ] = match
    if (signBefore !== undefined && signAfter !== undefined) return undefined
    if (currencyBefore !== undefined && currencyAfter !== undefined) return undefined
    const sign = signBefore ?? signAfter
    if (negative && sign !== undefined) return undefined
    if (sign === '-' || sign === '\u2212') negative = true
    const digits = integerText.replace(/\D/g, '')
    const significant = (digits + fraction).replace(/^0+/, '').replace(/0+$/, '')
    if (significant.length > MAX_DIGITS) return undefined
    const value = Number(`${digits}.${fraction === '' ? '0' : fraction}`)
    return negative && value !== 0 ? -value : value
  }

  const codec = new t.Type<number, string, unknown>(
    name,
    (value): value is number => typeof value === 'number' && Number.isFinite(value),
    (value, context) => {
      if (typeof value !== 'string') return t.failure(value, context)
      const parsed = parse(value)
      return parsed === undefined ? t.failure(value, context) : t.success(parsed)
    },
    (n) => write(n, decimal, group),
  )
  codecTraits.set(codec, { kind: 'money' })
  return codec
}

function separators(options: MoneyFromStringOptions): {
  decimal: string
  group: string
} {
  let decimal: string | undefined = options.decimal
  let group: string | undefined = options.group
  if (options.locale !== undefined) {
    const parts = new Intl.NumberFormat(options.locale).formatToParts(1234567.5)
    decimal ??= parts.find((part) => part.type === 'decimal')?.value
    group ??= parts.find((part) => part.type === 'group')?.value ?? ''
    if (group === '\u00a0' || group === '\u202f') group = ' '
  }
  decimal ??= '.'
  group ??= decimal === ',' ? '.' : ','
  if (decimal !== '.' && decimal !== ',')
    throw new TypeError(
      `MoneyFromString: the decimal separator must be "." or ",", not ${JSON.stringify(decimal)}`,
    )
  if (group === decimal || /\d/.test(group))
    throw new TypeError(
      `MoneyFromString: the group separator ${JSON.stringify(group)} cannot be a digit or the decimal separator`,
    )
  return { decimal, group }
}

/** The number in plain decimal digits (no exponent), grouped. */
function write(n: number, decimal: string, group: string): string {
  const [integer = '0', fraction = ''] = plainDigits(Math.abs(n)).split('.')
  const grouped = group === '' ? integer : integer.replace(/\B(?=(\d{3})+(?!\d))/g, group)
  return `${n < 0 ? '-' : ''}${grouped}${fraction === '' ? '' : decimal + fraction}`
}

/** `String(n)` without an exponent: `1e21` → `'1000000000000000000000'`, `1e-7` → `'0.0000001'`. */
function plainDigits(n: number): string {
  const text = String(n)
  const match = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (match === null) return text
  const [, whole = '', part = '', exponentText = '0'] = match
  const exponent = Number(exponentText)
  const digits = whole + part
  const point = whole.length + exponent
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length)
  return `${digits.slice(0, point)}.${digits.slice(point)}`
}
