import * as t from 'io-ts'

/** Whole numbers only: an optional sign and digits. */
const INTEGER = /^[+-]?\d+$/

/**
 * A codec from a string holding a whole number (as a CSV cell does) to an integer `number`.
 *
 * Surrounding whitespace is ignored (`' -42 '` → `-42`). Only an optional sign and digits are
 * accepted: `'1.0'`, `'1e3'`, `''`, `'abc'` and thousands separators (`'1,000'`) are rejected, and
 * so are integers beyond `Number.MAX_SAFE_INTEGER`, which a `number` cannot hold exactly (keep
 * such identifiers as strings). Only strings decode. Encodes back with `String(n)` (`-0` as `'-0'`).
 *
 * @example
 * ```ts
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { IntegerFromString } from 'powerflow-etl'
 *
 * const quantity = IntegerFromString.decode(' 42 ')
 * console.assert(isRight(quantity) && quantity.right === 42)
 * console.assert(!isRight(IntegerFromString.decode('4.2')))
 * ```
 *
 * @category codecs
 * @since 0.1.0
 */
export const IntegerFromString: t.Type<number, string, unknown> = new t.Type<
  number,
  string,
  unknown
>(
  'integer string',
  (value): value is number => typeof value === 'number' && Number.isSafeInteger(value),
  (value, context) => {
    if (typeof value !== 'string') return t.failure(value, context)
    const text = value.trim()
    if (!INTEGER.test(text)) return t.failure(value, context)
    const parsed = Number(text)
    return Number.isSafeInteger(parsed) ? t.success(parsed) : t.failure(value, context)
  },
  (n) => (Object.is(n, -0) ? '-0' : String(n)),
)
