import * as t from 'io-ts'

/**
 * A codec from a string to the same string without surrounding whitespace, rejecting strings that
 * are empty once trimmed (`''`, `'   '`) — the usual shape of a required CSV cell. Only strings
 * decode. Encodes as the string itself.
 *
 * @example
 * ```ts
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { TrimmedNonEmptyString } from 'powerflow-etl'
 *
 * const name = TrimmedNonEmptyString.decode('  Ada Lovelace ')
 * console.assert(isRight(name) && name.right === 'Ada Lovelace')
 * console.assert(!isRight(TrimmedNonEmptyString.decode('  ')))
 * ```
 *
 * @category codecs
 * @since 0.1.0
 */
export const TrimmedNonEmptyString: t.Type<string, string, unknown> = new t.Type<
  string,
  string,
  unknown
>(
  'non-empty string',
  (value): value is string => typeof value === 'string' && value !== '' && value.trim() === value,
  (value, context) => {
    if (typeof value !== 'string') return t.failure(value, context)
    const text = value.trim()
    return text === '' ? t.failure(value, context) : t.success(text)
  },
  (text) => text,
)
