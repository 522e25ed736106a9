import * as t from 'io-ts'

/**
 * One `@`; a local part and domain labels without whitespace or `@`; at least one dot in the
 * domain, with no empty labels.
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/

/** The longest address SMTP can carry (RFC 5321). */
const MAX_LENGTH = 254

/**
 * A codec from a string to an email address, trimmed — a pragmatic check, not RFC 5322: exactly
 * one `@`, no whitespace, a non-empty local part, and a domain of at least two non-empty labels
 * (`ada@example.com`, `first.last+tag@mail.example.co.uk`); at most 254 characters. It catches the
 * typos and blank or swapped cells that CSV data has; it does not prove that the address exists
 * (only sending mail does), and it keeps the case as given (the local part may be case-sensitive).
 * Only strings decode. Encodes as the string itself.
 *
 * @example
 * ```ts
 * import { isRight } from 'fp-ts/lib/Either.js'
 * import { Email } from 'powerflow-etl'
 *
 * const email = Email.decode(' ada@example.com ')
 * console.assert(isRight(email) && email.right === 'ada@example.com')
 * console.assert(!isRight(Email.decode('ada@example')))
 * ```
 *
 * @category codecs
 * @since 0.1.0
 */
export const Email: t.Type<string, string, unknown> = new t.Type<string, string, unknown>(
  'email address',
  (value): value is string =>
    typeof value === 'string' && value.length <= MAX_LENGTH && EMAIL.test(value),
  (value, context) => {
    if (typeof value !== 'string') return t.failure(value, context)
    const text = value.trim()
    return text.length <= MAX_LENGTH && EMAIL.test(text)
      ? t.success(text)
      : t.failure(value, context)
  },
  (text) => text,
)
