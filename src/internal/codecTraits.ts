/**
 * What the codecs made by factories (`MoneyFromString(…)`, `DateFromFormat(…)`) were made with,
 * by codec: `codecArbitrary` reads it to generate values each codec can encode and decode back.
 *
 * @internal
 * @packageDocumentation
 */

/** @internal */
export type CodecTrait =
  { readonly kind: 'money' } | { readonly kind: 'dateFormat'; readonly fields: readonly string[] }

/** @internal */
export const codecTraits = new WeakMap<object, CodecTrait>()
