import * as t from 'io-ts'

const TRUE = new Set(['true', '1', 'yes'])
const FALSE = new Set(['false', '0', 'no'])

/**
 * A codec from a string holding a yes/no value (as a CSV cell does) to a `boolean`.
 *
 * `'true'`, `'1'` and `'yes'` decode to `true`; `'false'`, `'0'` and `'no'` to `false` —
 * case-insensitively (`'TRUE'`, `'Yes'`) and ignoring surrounding whitespace. Anything else is
 * rejected, including the empty string (use `t.union([BooleanFromString, t.literal('')])` if
 * blank cells are allowed) and `'y'`/`'n'`/`'on'`/`'off'`. Only strings decode. Encodes back to
 * `'true'` or `'false'`.
 *
 * @example
 * ```ts
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { BooleanFromString } from 'powerflow-etl'
 *
 * const active = BooleanFromString.decode(' Yes ')
 * console.assert(isRight(active) && active.right === true)
 * console.assert(BooleanFromString.encode(false) === 'false')
 * ```
 *
 * @category codecs
 * @since 0.1.0
 */
export const BooleanFromString: t.Type<boolean, string, unknown> = new t.Type<
  boolean,
  string,
  unknown
>(
  'true/false string',
  (value): value is boolean => typeof value === 'boolean',
  (value, context) => {
    if (typeof value !== 'string') return t.failure(value, context)
    const text = value.trim().toLowerCase()
    if (TRUE.has(text)) return t.success(true)
    if (FALSE.has(text)) return t.success(false)
    return t.failure(value, context)
  },
  (flag) => (flag ? 'true' : 'false'),
)
