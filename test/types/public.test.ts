import { describe, expectTypeOf, it } from 'vitest'
import * as t from 'io-ts'
import {
  pipe,
  fromCsv,
  fromJson,
  fromGenerator,
  filter,
  map,
  validate,
  aggregate,
  dedupe,
  toArray,
  toCsv,
  toJson,
  failFast,
  deadLetter,
  NumberFromString,
  type Flow,
  type RunReport,
  type DeadLetterRecord,
} from '../../src/index.js'

describe('the public signatures', () => {
  it('types text sources as string records, and JSON as unknown until validated', () => {
    expectTypeOf(fromCsv('deals.csv')).toEqualTypeOf<Flow<Record<string, string>>>()
    expectTypeOf(fromCsv('deals.csv', { header: false })).toEqualTypeOf<Flow<string[]>>()
    expectTypeOf(fromJson('deals.json')).toEqualTypeOf<Flow<unknown>>()
    expectTypeOf(fromGenerator([{ id: 1 }])).toEqualTypeOf<Flow<{ id: number }>>()
  })

  it('carries the record type from source to sink through fp-ts pipe', () => {
    const Deal = t.type({ id: t.string, amount: NumberFromString })
    const flow = pipe(
      fromCsv('deals.csv'),
      validate(Deal),
      filter((deal) => deal.amount > 10),
      map((deal) => ({ id: deal.id, cents: Math.round(deal.amount * 100) })),
      dedupe({ keys: ['id'] }),
      failFast(),
    )
    expectTypeOf(flow).toEqualTypeOf<Flow<{ id: string; cents: number }>>()
    // Sinks start a run when called: only their types are looked at here.
    const toMemory = () => pipe(flow, toArray())
    const toCsvFile = () => pipe(flow, toCsv('out.csv'))
    const toJsonFile = () => pipe(flow, toJson('out.json'))
    expectTypeOf(toMemory).returns.resolves.toMatchTypeOf<{
      records: { id: string; cents: number }[]
    }>()
    expectTypeOf(toCsvFile).returns.toEqualTypeOf<Promise<RunReport>>()
    expectTypeOf(toJsonFile).returns.toEqualTypeOf<Promise<RunReport>>()
  })

  it('checks callbacks against the record type', () => {
    const deals = fromGenerator([{ id: 'D1', amount: 3 }])
    pipe(
      deals,
      filter(
        (deal) =>
          // @ts-expect-error: records have no field `stage`
          deal.stage === 'won',
      ),
    )
    pipe(
      deals,
      map(
        (deal): string =>
          // @ts-expect-error: a number is not a string
          deal.amount,
      ),
    )
  })

  it('builds aggregate output keys from the measures', () => {
    const rows = pipe(
      fromGenerator([{ region: 'EMEA', revenue: '10', id: '1' }]),
      aggregate({ groupBy: ['region'], measures: { revenue: 'sum', id: 'count' } }),
    )
    expectTypeOf(rows).toEqualTypeOf<
      Flow<{ region: string; revenue_sum: number; id_count: number }>
    >()
  })

  it('gives dead-letter sinks serialisable failure records', () => {
    expectTypeOf(deadLetter(toJson<DeadLetterRecord>('rejects.ndjson'))).toBeFunction()
  })
})
