import type { Arbitrary } from 'fast-check'
import { fc } from './fastCheck.js'
import type * as t from 'io-ts'
import { NumberFromString } from '../codecs/NumberFromString.js'
import { IntegerFromString } from '../codecs/IntegerFromString.js'
import { BooleanFromString } from '../codecs/BooleanFromString.js'
import { DateFromString } from '../codecs/DateFromString.js'
import { TrimmedNonEmptyString } from '../codecs/TrimmedNonEmptyString.js'
import { Email } from '../codecs/Email.js'
import { codecTraits } from '../internal/codecTraits.js'

/**
 * Options of {@link codecArbitrary}.
 *
 * @category testing
 * @since 0.1.0
 */
export interface CodecArbitraryOptions {
  /** Longest generated array, tuple-free (`t.array`, `t.readonlyArray`), and dictionary (default 5). */
  readonly maxLength?: number
  /**
   * Arbitraries for codecs the kit cannot derive (branded types, refinements with a rare predicate,
   * custom codecs such as `DateFromISOString`), by codec `name`. An override wins over derivation,
   * so it can also narrow a derivable codec (`{ string: fc.emailAddress() }`).
   */
  readonly overrides?: Readonly<Record<string, Arbitrary<unknown>>>
}

/** The `_tag`s {@link codecArbitrary} derives, for the error message. */
const SUPPORTED = [
  'string',
  'number',
  'boolean',
  'bigint',
  'null',
  'undefined',
  'void',
  'unknown',
  'UnknownArray',
  'UnknownRecord',
  'literal',
  'keyof',
  'type',
  'partial',
  'array',
  'readonlyArray',
  'readonly',
  'exact',
  'strict',
  'union',
  'intersection',
  'tuple',
  'record',
  'Int',
  'refinement (by filtering)',
  "PowerFlow's codecs",
].join(', ')

/**
 * A fast-check arbitrary of the values an io-ts codec accepts: every generated value passes
 * `codec.is`. It is derived from the codec's structure, so records in property tests look like the
 * records your pipeline reads.
 *
 * Derived: `t.string`, `t.number` (finite, no `NaN` or `-0`: records come from data), `t.boolean`,
 * `t.bigint`, `t.null`, `t.undefined`, `t.void`, `t.unknown` (JSON values), `t.UnknownArray`,
 * `t.UnknownRecord`, `t.literal`, `t.keyof`, `t.type`, `t.partial` (each key present or absent),
 * `t.array`, `t.readonlyArray`, `t.readonly`, `t.exact`, `t.strict`, `t.union` (so nullable
 * fields, `t.union([t.string, t.null])`), `t.intersection` (of object codecs), `t.tuple`,
 * `t.record` (with a string, literal or keyof domain), `t.Int`, any other refinement by
 * filtering its base (keep the predicate common, or pass an override), and PowerFlow's own codecs
 * (`NumberFromString`, `IntegerFromString`, `BooleanFromString`, `DateFromString`,
 * `TrimmedNonEmptyString`, `Email`, `MoneyFromString(…)`, `DateFromFormat(…)`), with values each
 * encodes to text and decodes back unchanged (money as whole cents, dates in years 0–9999 with
 * only the fields their format has). Not derived:
 * `t.recursion`, `t.never`, `t.function` and custom codecs: they throw an error naming the codec
 * and its path unless `options.overrides` has an arbitrary under the codec's name.
 *
 * The error is thrown when the arbitrary is built, not while it generates.
 *
 * @example
 * ```ts
 * import fc from 'fast-check'
 * import * as t from 'io-ts'
 * import { codecArbitrary } from 'powerflow-etl/testing'
 *
 * const Deal = t.type({
 *   id: t.string,
 *   stage: t.keyof({ open: null, won: null, lost: null }),
 *   amount: t.number,
 *   owner: t.union([t.string, t.null]),
 * })
 * const deals = fc.sample(codecArbitrary(Deal), { numRuns: 20, seed: 1 })
 * console.assert(deals.every((deal) => Deal.is(deal)))
 * ```
 *
 * @param codec - the io-ts codec (its type, not its output, is what values conform to)
 * @param options - array lengths and overrides by codec name
 * @returns an arbitrary of values that pass `codec.is`
 * @category testing
 * @since 0.1.0
 */
export function codecArbitrary<C extends t.Any>(
  codec: C,
  options: CodecArbitraryOptions = {},
): Arbitrary<t.TypeOf<C>> {
  return derive(codec, codec.name, options) as Arbitrary<t.TypeOf<C>>
}

/**
 * What this file reads of io-ts's runtime types: each class carries a `_tag` and, depending on it,
 * some of these fields.
 */
interface CodecNode {
  readonly _tag?: string
  readonly props: Readonly<Record<string, t.Any>>
  readonly type: t.Any
  readonly types: readonly t.Any[]
  readonly value: string | number | boolean
  readonly keys: Readonly<Record<string, unknown>>
  readonly predicate: (value: unknown) => boolean
  readonly domain: t.Any
  readonly codomain: t.Any
}

function derive(codec: t.Any, path: string, options: CodecArbitraryOptions): Arbitrary<unknown> {
  const override = options.overrides?.[codec.name]
  if (override !== undefined) return override
  const maxLength = options.maxLength ?? 5
  const own = powerflowCodec(codec)
  if (own !== undefined) return own
  const node = codec as unknown as CodecNode
  const child = (inner: t.Any, at: string): Arbitrary<unknown> => derive(inner, at, options)
  switch (node._tag) {
    case 'StringType':
      return fc.string()
    case 'NumberType':
      // -0 does not survive a text round trip (JSON, CSV) and `toEqual` tells it from 0
      return fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .map((n) => (Object.is(n, -0) ? 0 : n))
    case 'BooleanType':
      return fc.boolean()
    case 'BigIntType':
      return fc.bigInt()
    case 'NullType':
      return fc.constant(null)
    case 'UndefinedType':
    case 'VoidType':
      return fc.constant(undefined)
    case 'UnknownType':
    case 'AnyType':
      return fc.jsonValue()
    case 'AnyArrayType':
      return fc.array(fc.jsonValue(), { maxLength })
    case 'AnyDictionaryType':
      return fc.dictionary(fc.string(), fc.jsonValue(), {
        maxKeys: maxLength,
        noNullPrototype: true,
      })
    case 'LiteralType':
      return fc.constant(node.value)
    case 'KeyofType':
      return fc.constantFrom(...Object.keys(node.keys))
    case 'InterfaceType':
    case 'PartialType': {
      const { props } = node
      const fields: Record<string, Arbitrary<unknown>> = {}
      for (const [key, inner] of Object.entries(props)) fields[key] = child(inner, `${path}.${key}`)
      return node._tag === 'InterfaceType'
        ? fc.record(fields, { noNullPrototype: true })
        : fc.record(fields, { requiredKeys: [], noNullPrototype: true })
    }
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return fc.array(child(node.type, `${path}[]`), {
        maxLength,
      })
    case 'ReadonlyType':
    case 'ExactType':
    case 'StrictType':
      return child(node.type, path)
    case 'UnionType': {
      const { types } = node
      return fc.oneof(...types.map((inner, index) => child(inner, `${path}|${index}`)))
    }
    case 'TupleType': {
      const { types } = node
      return fc.tuple(...types.map((inner, index) => child(inner, `${path}[${index}]`)))
    }
    case 'IntersectionType': {
      const { types } = node
      types.forEach((inner, index) => {
        if (!isObjectCodec(inner))
          throw unsupported(inner, `${path}&${index}`, 'an intersection of non-object codecs')
      })
      return fc
        .tuple(...types.map((inner, index) => child(inner, `${path}&${index}`)))
        .map((parts) => Object.assign({}, ...parts) as unknown)
    }
    case 'DictionaryType': {
      const { domain, codomain } = node
      const values = child(codomain, `${path}{value}`)
      // io-ts requires every key of an enumerable domain (`t.record(t.keyof(...), ...)`)
      const enumerable = enumerableKeys(domain)
      if (enumerable !== undefined) {
        const fields: Record<string, Arbitrary<unknown>> = {}
        for (const key of enumerable) fields[key] = values
        return fc.record(fields, { noNullPrototype: true })
      }
      const keys = child(domain, `${path}{key}`)
      return fc.dictionary(keys as Arbitrary<string>, values, {
        maxKeys: maxLength,
        noNullPrototype: true,
      })
    }
    case 'RefinementType': {
      const { type, predicate } = node
      if (codec.name === 'Int' && (type as unknown as CodecNode)._tag === 'NumberType')
        return fc.integer()
      return child(type, path).filter(predicate)
    }
    default:
      throw unsupported(codec, path, `its kind (${node._tag ?? 'no _tag'})`)
  }
}

/** Dates of years 0 to 9999: what four-digit formats (and ISO 8601 without a sign) can write. */
function writableDates(): Arbitrary<Date> {
  return fc.date({
    min: new Date(new Date(0).setUTCFullYear(0, 0, 1)),
    max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
    noInvalidDate: true,
  })
}

/** Arbitraries of PowerFlow's own codecs, which have no io-ts `_tag` to derive from. */
function powerflowCodec(codec: t.Any): Arbitrary<unknown> | undefined {
  switch (codec as unknown) {
    case NumberFromString:
      return fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .map((n) => (Object.is(n, -0) ? 0 : n))
    case IntegerFromString:
      return fc.maxSafeInteger()
    case BooleanFromString:
      return fc.boolean()
    case DateFromString:
      return writableDates()
    case TrimmedNonEmptyString:
      return fc
        .string({ minLength: 1 })
        .map((text) => text.trim())
        .filter((text) => text !== '')
    case Email:
      return fc.emailAddress().filter((address) => Email.is(address))
  }
  const trait = codecTraits.get(codec)
  if (trait?.kind === 'money')
    return fc
      .integer({ min: -(2 ** 43), max: 2 ** 43 })
      .map((cents) => (cents === 0 ? 0 : cents / 100))
  if (trait?.kind === 'dateFormat') {
    const has = (field: string): boolean => trait.fields.includes(field)
    return writableDates().map((date) => {
      const copy = new Date(date.getTime())
      copy.setUTCHours(
        has('hour') ? date.getUTCHours() : 0,
        has('minute') ? date.getUTCMinutes() : 0,
        has('second') ? date.getUTCSeconds() : 0,
        0,
      )
      return copy
    })
  }
  return undefined
}

function enumerableKeys(domain: t.Any): string[] | undefined {
  const node = domain as unknown as CodecNode
  switch (node._tag) {
    case 'KeyofType':
      return Object.keys(node.keys)
    case 'LiteralType':
      return [String(node.value)]
    case 'UnionType': {
      const parts = node.types.map(enumerableKeys)
      return parts.every((part) => part !== undefined) ? parts.flat() : undefined
    }
    default:
      return undefined
  }
}

function isObjectCodec(codec: t.Any): boolean {
  const node = codec as unknown as CodecNode
  switch (node._tag) {
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType':
      return true
    case 'ReadonlyType':
    case 'ExactType':
    case 'StrictType':
      return isObjectCodec(node.type)
    default:
      return false
  }
}

function unsupported(codec: t.Any, path: string, what: string): Error {
  return new Error(
    `codecArbitrary: cannot derive values for codec '${codec.name}' at ${path}: ${what} is not ` +
      `supported. Pass an arbitrary for it in options.overrides['${codec.name}']. ` +
      `Supported: ${SUPPORTED}.`,
  )
}
