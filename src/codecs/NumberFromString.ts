import * as t from 'io-ts'

/** A decimal number: optional sign, digits with an optional fraction, optional exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * A codec from a string holding a decimal number (as a CSV cell does) to a finite `number`.
 *
 * Surrounding whitespace is ignored (`' 12.5 '` → `12.5`); a sign and an exponent are accepted
 * (`'-1e3'` → `-1000`). Rejected: the empty string, `'abc'`, `'NaN'`, `'Infinity'`, hexadecimal
 * (`'0x10'`), values too large for a finite number (`'1e400'`), and thousands separators
 * (`'1,000'` or `'1 000'`: they are ambiguous across locales, so strip them in a `map` first if
 * your data has them). Only strings decode: a value that is already a number is rejected, which
 * keeps the codec honest about its input. Encodes back with `String(n)` (`-0` as `'-0'`).
 *
 * @example
 * ```ts
 * import * as t from 'io-ts'
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { NumberFromString } from 'powerflow-etl'
 *
 * const Deal = t.type({ amount: NumberFromString })
 * const decoded = Deal.decode({ amount: ' 12.5 ' })
 * console.assert(isRight(decoded) && decoded.right.amount === 12.5)
 * console.assert(!isRight(NumberFromString.decode('1,000')))
 * ```
 *
 * @category codecs
 * @since 0.1.0
 */
export const NumberFromString: t.Type<number, string, unknown> = new t.Type<
  number,
  string,
  unknown
>(
  'numeric string',
  (value): value is number => typeof value === 'number' && Number.isFinite(value),
  (value, context) => {
    if (typeof value !== 'string') return t.failure(value, context)
    const text = value.trim()
    if (!DECIMAL.test(text)) return t.failure(value, context)
    const parsed = Number(text)
    return Number.isFinite(parsed) ? t.success(parsed) : t.failure(value, context)
  },
  (n) => (Object.is(n, -0) ? '-0' : String(n)),
)
