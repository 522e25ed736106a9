/**
 * What kind of column a field needs, from the records themselves or from an io-ts codec, before
 * any SQL dialect names the type: each database sink maps a kind to its own type.
 *
 * @internal
 * @packageDocumentation
 */
import type * as t from 'io-ts'
import { BooleanFromString } from '../../codecs/BooleanFromString.js'
import { DateFromString } from '../../codecs/DateFromString.js'
import { Email } from '../../codecs/Email.js'
import { IntegerFromString } from '../../codecs/IntegerFromString.js'
import { NumberFromString } from '../../codecs/NumberFromString.js'
import { TrimmedNonEmptyString } from '../../codecs/TrimmedNonEmptyString.js'

/** The kinds of column a database sink creates. @internal */
export type ColumnKind = 'text' | 'integer' | 'float' | 'decimal' | 'boolean' | 'timestamp' | 'json'

/** A column to create: its name, kind and whether it may be null. @internal */
export interface ColumnPlan {
  readonly name: string
  readonly kind: ColumnKind
  readonly nullable: boolean
}

/** The kind a single value needs, or undefined for null and undefined (no evidence). @internal */
export function kindOfValue(value: unknown): ColumnKind | undefined {
  if (value === null || value === undefined) return undefined
  switch (typeof value) {
    case 'string':
      return 'text'
    case 'number':
      return Number.isSafeInteger(value) ? 'integer' : 'float'
    case 'bigint':
      return 'decimal'
    case 'boolean':
      return 'boolean'
    default:
      return value instanceof Date ? 'timestamp' : 'json'
  }
}

/** The kind that holds values of both kinds. @internal */
export function widerKind(
  a: ColumnKind | undefined,
  b: ColumnKind | undefined,
): ColumnKind | undefined {
  if (a === undefined) return b
  if (b === undefined || a === b) return a
  const numeric = new Set<ColumnKind>(['integer', 'float', 'decimal'])
  if (numeric.has(a) && numeric.has(b))
    return a === 'decimal' || b === 'decimal' ? 'decimal' : 'float'
  return a === 'json' || b === 'json' ? 'json' : 'text'
}

/**
 * The columns the records need, in the order their fields first appear: each field's kind is the
 * widest of its values (text when it was only ever null). Every column is nullable but the `key`
 * columns.
 *
 * @internal
 */
export function columnsOfRecords(
  records: Iterable<object>,
  key: readonly string[] = [],
): ColumnPlan[] {
  const kinds = new Map<string, ColumnKind | undefined>()
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      kinds.set(name, widerKind(kinds.get(name), kindOfValue(value)))
    }
  }
  return [...kinds].map(([name, kind]) => ({
    name,
    kind: kind ?? 'text',
    nullable: !key.includes(name),
  }))
}

/** The codecs of this library, by identity: the kind of the values they decode to. */
const KIND_OF_OWN_CODEC = new Map<unknown, ColumnKind>([
  [NumberFromString, 'float'],
  [IntegerFromString, 'integer'],
  [BooleanFromString, 'boolean'],
  [DateFromString, 'timestamp'],
  [Email, 'text'],
  [TrimmedNonEmptyString, 'text'],
])

/** io-ts codecs by name. */
const KIND_OF_CODEC: Readonly<Record<string, ColumnKind>> = {
  string: 'text',
  number: 'float',
  boolean: 'boolean',
  Int: 'integer',
  bigint: 'decimal',
  Date: 'timestamp',
}

type AnyCodec = t.Mixed

/**
 * The columns an io-ts codec of records describes: `t.type`, `t.partial`, their intersections and
 * `t.exact`/`t.strict`. A property that is optional (`t.partial`) or may be null or undefined
 * (`t.union([X, t.null])`) is nullable. A property of a kind not known here is `json` for arrays and
 * objects, else `text`. Returns undefined when the codec is not a codec of objects.
 *
 * @internal
 */
export function columnsOfCodec(codec: AnyCodec): ColumnPlan[] | undefined {
  const props = propsOf(codec)
  if (props === undefined) return undefined
  return props.map(({ name, codec: property, optional }) => {
    const { kind, nullable } = kindOfCodec(property)
    return { name, kind, nullable: optional || nullable }
  })
}

interface Prop {
  readonly name: string
  readonly codec: AnyCodec
  readonly optional: boolean
}

function propsOf(codec: AnyCodec): Prop[] | undefined {
  const tagged = codec as AnyCodec & {
    _tag?: string
    props?: Record<string, AnyCodec>
    types?: AnyCodec[]
    type?: AnyCodec
  }
  switch (tagged._tag) {
    case 'InterfaceType':
    case 'PartialType': {
      const optional = tagged._tag === 'PartialType'
      return Object.entries(tagged.props ?? {}).map(([name, property]) => ({
        name,
        codec: property,
        optional,
      }))
    }
    case 'ExactType':
    case 'RefinementType':
    case 'ReadonlyType':
      return tagged.type === undefined ? undefined : propsOf(tagged.type)
    case 'IntersectionType': {
      const all: Prop[] = []
      for (const member of tagged.types ?? []) {
        const props = propsOf(member)
        if (props === undefined) return undefined
        for (const prop of props) if (!all.some((seen) => seen.name === prop.name)) all.push(prop)
      }
      return all
    }
    default:
      return undefined
  }
}

function kindOfCodec(codec: AnyCodec): { kind: ColumnKind; nullable: boolean } {
  const tagged = codec as AnyCodec & { _tag?: string; types?: AnyCodec[]; type?: AnyCodec }
  if (tagged._tag === 'UnionType') {
    let kind: ColumnKind | undefined
    let nullable = false
    for (const member of tagged.types ?? []) {
      const memberTag = (member as { _tag?: string })._tag
      if (memberTag === 'NullType' || memberTag === 'UndefinedType') {
        nullable = true
        continue
      }
      kind = widerKind(kind, kindOfCodec(member).kind)
    }
    return { kind: kind ?? 'text', nullable }
  }
  const known = KIND_OF_OWN_CODEC.get(codec) ?? KIND_OF_CODEC[codec.name]
  if (known !== undefined) return { kind: known, nullable: false }
  switch (tagged._tag) {
    case 'StringType':
    case 'LiteralType':
    case 'KeyofType':
      return { kind: 'text', nullable: false }
    case 'NumberType':
      return { kind: 'float', nullable: false }
    case 'BooleanType':
      return { kind: 'boolean', nullable: false }
    case 'RefinementType':
    case 'ReadonlyType':
    case 'ExactType':
      return tagged.type === undefined
        ? { kind: 'text', nullable: false }
        : kindOfCodec(tagged.type)
    case 'ArrayType':
    case 'ReadonlyArrayType':
    case 'InterfaceType':
    case 'PartialType':
    case 'DictionaryType':
    case 'TupleType':
    case 'UnknownRecordType':
    case 'UnknownArrayType':
      return { kind: 'json', nullable: false }
    default:
      return { kind: 'text', nullable: true }
  }
}
