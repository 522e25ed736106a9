import fc from 'fast-check'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { isRight } from 'fp-ts/lib/Either.js'
import { codecArbitrary } from '../../src/testing/codecArbitrary.js'
import {
  BooleanFromString,
  DateFromFormat,
  DateFromString,
  Email,
  IntegerFromString,
  MoneyFromString,
  NumberFromString,
  TrimmedNonEmptyString,
} from '../../src/index.js'

const Contact = t.intersection([
  t.type({ id: t.string, email: t.string }),
  t.partial({ phone: t.union([t.string, t.null]), tags: t.readonlyArray(t.string) }),
])

const Deal = t.strict({
  id: t.string,
  stage: t.keyof({ open: null, won: null, lost: null }),
  amount: t.number,
  units: t.Int,
  closed: t.boolean,
  region: t.union([t.literal('EMEA'), t.literal('APAC'), t.literal('AMER')]),
  owner: t.union([t.string, t.null, t.undefined]),
  lines: t.array(t.type({ sku: t.string, quantity: t.number })),
  meta: t.readonly(t.partial({ note: t.string, score: t.number })),
  contact: Contact,
  position: t.tuple([t.number, t.number]),
  counts: t.record(t.keyof({ a: null, b: null }), t.number),
  labels: t.record(t.string, t.string),
  extra: t.unknown,
  big: t.bigint,
  nothing: t.void,
  anyList: t.UnknownArray,
  anyObject: t.UnknownRecord,
})

/** Codecs of every supported kind, alone, so a failure names the kind. */
const kinds: Record<string, t.Any> = {
  string: t.string,
  number: t.number,
  boolean: t.boolean,
  null: t.null,
  undefined: t.undefined,
  literal: t.literal(42),
  keyof: t.keyof({ x: null }),
  type: t.type({ a: t.string }),
  partial: t.partial({ a: t.number }),
  array: t.array(t.boolean),
  readonlyArray: t.readonlyArray(t.string),
  readonly: t.readonly(t.type({ a: t.string })),
  exact: t.exact(t.type({ a: t.string })),
  nullable: t.union([t.number, t.null]),
  intersection: Contact,
  Int: t.Int,
  refinement: t.refinement(t.number, (n) => n >= 0, 'NonNegative'),
  tuple: t.tuple([t.string, t.number]),
  record: t.record(t.string, t.number),
  Deal,
}

describe('codecArbitrary', () => {
  it('generates only values that pass codec.is, for every supported kind of codec', () => {
    for (const [kind, codec] of Object.entries(kinds)) {
      fc.assert(
        fc.property(codecArbitrary(codec), (value) => {
          expect(codec.is(value), `${kind}: ${fc.stringify(value)}`).toBe(true)
        }),
        { numRuns: 200 },
      )
    }
  })

  it('generates values that also decode, so they stand in for records read from files', () => {
    fc.assert(
      fc.property(codecArbitrary(Deal), (deal) => {
        expect(Deal.decode(deal)._tag).toBe('Right')
      }),
      { numRuns: 200 },
    )
  })

  it('varies optional and nullable fields: present, absent, null', () => {
    const samples = fc.sample(codecArbitrary(Deal), { numRuns: 300, seed: 42 })
    expect(samples.some((deal) => deal.owner === null)).toBe(true)
    expect(samples.some((deal) => deal.owner === undefined)).toBe(true)
    expect(samples.some((deal) => typeof deal.owner === 'string')).toBe(true)
    expect(samples.some((deal) => 'phone' in deal.contact)).toBe(true)
    expect(samples.some((deal) => !('phone' in deal.contact))).toBe(true)
    expect(new Set(samples.map((deal) => deal.stage))).toEqual(new Set(['open', 'won', 'lost']))
    expect(samples.some((deal) => deal.lines.length > 1)).toBe(true)
    expect(samples.every((deal) => Number.isFinite(deal.amount))).toBe(true)
    expect(samples.some((deal) => !Number.isInteger(deal.amount))).toBe(true)
    const numbers = fc.sample(codecArbitrary(t.number), { numRuns: 2000, seed: 9 })
    expect(numbers.some((n) => n === 0)).toBe(true)
    expect(numbers.some((n) => Object.is(n, -0))).toBe(false)
  })

  it('generates plain objects, not null-prototype ones', () => {
    const samples = fc.sample(codecArbitrary(Deal), { numRuns: 50, seed: 1 })
    for (const deal of samples) expect(Object.getPrototypeOf(deal)).toBe(Object.prototype)
  })

  it('keeps arrays within options.maxLength', () => {
    const samples = fc.sample(codecArbitrary(t.array(t.string), { maxLength: 2 }), {
      numRuns: 100,
      seed: 3,
    })
    expect(samples.every((list) => list.length <= 2)).toBe(true)
    expect(samples.some((list) => list.length === 2)).toBe(true)
  })

  it('uses an override by codec name, also inside a structure', () => {
    const IsoDate = new t.Type<string, string, unknown>(
      'IsoDate',
      (u): u is string => typeof u === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(u),
      (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c)),
      (s) => s,
    )
    const Event = t.type({ at: IsoDate, names: t.array(t.string) })
    const arbitrary = codecArbitrary(Event, {
      overrides: {
        IsoDate: fc
          .date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
        string: fc.constantFrom('ada', 'grace'),
      },
    })
    fc.assert(
      fc.property(arbitrary, (event) => {
        expect(Event.is(event)).toBe(true)
        for (const name of event.names) expect(['ada', 'grace']).toContain(name)
      }),
    )
  })

  it.each<[string, t.Mixed]>([
    ['NumberFromString', NumberFromString],
    ['IntegerFromString', IntegerFromString],
    ['BooleanFromString', BooleanFromString],
    ['DateFromString', DateFromString],
    ['TrimmedNonEmptyString', TrimmedNonEmptyString],
    ['Email', Email],
    ['MoneyFromString()', MoneyFromString()],
    ["MoneyFromString({ locale: 'de-DE' })", MoneyFromString({ locale: 'de-DE' })],
    ["DateFromFormat('DD.MM.YYYY')", DateFromFormat('DD.MM.YYYY')],
    ["DateFromFormat('M/D/YYYY H:mm')", DateFromFormat('M/D/YYYY H:mm')],
  ])(
    'derives PowerFlow codec %s without overrides: values pass is and survive encode then decode',
    (_name, codec) => {
      const Row = t.type({ value: codec })
      fc.assert(
        fc.property(codecArbitrary(Row), (row) => {
          expect(Row.is(row)).toBe(true)
          const decoded = Row.decode(Row.encode(row))
          expect(isRight(decoded) ? decoded.right : decoded).toEqual(row)
        }),
        { numRuns: 200 },
      )
    },
  )

  it('throws when built for a codec it cannot derive, naming the codec, its path and the way out', () => {
    interface Tree {
      readonly value: number
      readonly children: readonly Tree[]
    }
    const Tree: t.Type<Tree> = t.recursion('Tree', () =>
      t.type({ value: t.number, children: t.readonlyArray(Tree) }),
    )
    const Order = t.type({ id: t.string, tree: Tree })
    expect(() => codecArbitrary(Order)).toThrow(
      /codecArbitrary: cannot derive values for codec 'Tree' at .*\.tree: its kind \(RecursiveType\) is not supported\. Pass an arbitrary for it in options\.overrides\['Tree'\]/,
    )
    expect(() => codecArbitrary(t.never as unknown as t.Mixed)).toThrow(/codec 'never'.*NeverType/)
    expect(() => codecArbitrary(t.intersection([t.string, t.type({ a: t.string })]))).toThrow(
      /an intersection of non-object codecs/,
    )
  })
})
