import fc from 'fast-check'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { left, type Either } from 'fp-ts/lib/Either.js'
import type { Observable } from 'rxjs'
import { aggregate, reducer } from '../../src/operators/aggregate.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import type { Flow } from '../../src/core/Flow.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced, settle } from '../support/ledger.js'
import { leftValues, rightValues, testScheduler } from '../../src/testing/testScheduler.js'
import { rawDeal, withPolicy, type Ending } from '../support/rawDeals.js'

type Row = { k: string; v: number }
const rows: fc.Arbitrary<Row> = fc.record({ k: fc.constantFrom('a', 'b', 'c'), v: fc.integer() })

/** The obvious Array implementation of every built-in measure over `v`, groups by `k`. */
function allMeasures(records: readonly Row[]): object[] {
  const groups = new Map<string, number[]>()
  for (const { k, v } of records) groups.set(k, [...(groups.get(k) ?? []), v])
  return [...groups].map(([k, vs]) => {
    const sum = vs.reduce((total, v) => total + v, 0)
    return {
      k,
      v_sum: sum,
      v_count: vs.length,
      v_avg: sum / vs.length,
      v_min: Math.min(...vs),
      v_max: Math.max(...vs),
      v_countDistinct: new Set(vs).size,
      v_first: vs[0],
      v_last: vs[vs.length - 1],
    }
  })
}

const everyMeasure = [
  'sum',
  'count',
  'avg',
  'min',
  'max',
  'countDistinct',
  'first',
  'last',
] as const

const sales = [
  { region: 'EU', revenue: '100', id: '1' },
  { region: 'US', revenue: '50', id: '2' },
  { region: 'EU', revenue: '25.5', id: '3' },
  { region: 'APAC', revenue: '10', id: '4' },
  { region: 'US', revenue: '-20', id: '5' },
]

describe('aggregate', () => {
  it('keeps the operator laws against a Map-of-arrays model, with few groups', async () => {
    await expectOperatorLaws(
      () =>
        aggregate<Row, 'k', { v: typeof everyMeasure }>({
          groupBy: 'k',
          measures: { v: everyMeasure },
        }),
      { input: rows, model: allMeasures },
    )
  })

  it('keeps the laws when values are numeric strings, blanks, nulls and non-numbers', async () => {
    type Messy = { k: string; v: number | string | null }
    const messy: fc.Arbitrary<Messy> = fc.record({
      k: fc.constantFrom('a', 'b'),
      v: fc.oneof(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1000, max: 1000 }).map((n) => ` ${n}.5 `),
        fc.constantFrom(null, '', '   ', 'abc', '1,000'),
      ),
    })
    const model = (records: readonly Messy[]): object[] => {
      const bad = (v: Messy['v']): boolean => v === 'abc' || v === '1,000'
      const blank = (v: Messy['v']): boolean =>
        v === null || (typeof v === 'string' && v.trim() === '')
      const groups = new Map<string, number[]>()
      for (const { k, v } of records.filter((record) => !bad(record.v))) {
        const values = groups.get(k) ?? []
        if (!blank(v)) values.push(Number(v))
        groups.set(k, values)
      }
      return [...groups].map(([k, vs]) => ({
        k,
        v_sum: vs.reduce((total, v) => total + v, 0),
        v_count: vs.length,
      }))
    }
    await expectOperatorLaws(
      () =>
        aggregate<Messy, 'k', { v: readonly ['sum', 'count'] }>({
          groupBy: 'k',
          measures: { v: ['sum', 'count'] },
        }),
      { input: messy, model },
    )
  })

  it('keeps the laws with a count window: each window of n input records aggregated alone', async () => {
    await expectOperatorLaws(
      () =>
        aggregate<Row, 'k', { v: typeof everyMeasure }>({
          groupBy: 'k',
          measures: { v: everyMeasure },
          window: { count: 3 },
        }),
      {
        input: rows,
        model: (records) => {
          const out: object[] = []
          for (let start = 0; start < records.length; start += 3)
            out.push(...allMeasures(records.slice(start, start + 3)))
          return out
        },
      },
    )
  })

  it('yields the seed-compatible rows { region, revenue_sum, id_count } in first-seen order', async () => {
    const report = await pipe(
      fromGenerator(sales),
      aggregate({ groupBy: ['region'], measures: { revenue: 'sum', id: 'count' } }),
      toArray(),
    )
    expect(report.records).toEqual([
      { region: 'EU', revenue_sum: 125.5, id_count: 2 },
      { region: 'US', revenue_sum: 30, id_count: 2 },
      { region: 'APAC', revenue_sum: 10, id_count: 1 },
    ])
  })

  it('counts folded records as merged and group rows as created, and the books balance', async () => {
    const report = await pipe(
      fromGenerator([...sales, { region: 'EU', revenue: 'abc', id: '6' }]),
      aggregate({ groupBy: 'region', measures: { revenue: 'sum' }, name: 'Revenue by region' }),
      toArray(),
    )
    expect(report).toMatchObject({
      read: 6,
      merged: 5,
      created: 3,
      written: 3,
      failed: 1,
      dropped: 0,
    })
    expect(report.read + report.created).toBe(
      report.written + report.dropped + report.merged + report.failed,
    )
    const stage = report.stages.find((s) => s.name === 'Revenue by region')
    expect(stage).toMatchObject({ in: 6, out: 3, created: 3, merged: 5, failed: 1, dropped: 0 })
    expect(stage?.details).toEqual({ groups: 3 })
  })

  it('makes a record with a non-numeric sum or avg value a ValidationError that counts toward nothing', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([
          { region: 'EU', revenue: '100', id: '1' },
          { region: 'EU', revenue: 'abc', id: '2' },
          { region: 'XX', revenue: '12abc', id: '3' },
        ]),
        aggregate({
          groupBy: 'region',
          measures: { revenue: ['sum', 'avg', 'max'], id: ['count', 'last'] },
        }),
      ),
    )
    // The failing rows count toward no measure; XX, seen only in a failing row, has no group.
    expect(result.records).toEqual([
      {
        region: 'EU',
        revenue_sum: 100,
        revenue_avg: 100,
        revenue_max: 100,
        id_count: 1,
        id_last: '1',
      },
    ])
    expect(result.failures.map((f) => [f._tag, f.message, f.record])).toEqual([
      [
        'ValidationError',
        'aggregate: revenue: expected a number, got "abc"',
        { region: 'EU', revenue: 'abc', id: '2' },
      ],
      [
        'ValidationError',
        'aggregate: revenue: expected a number, got "12abc"',
        { region: 'XX', revenue: '12abc', id: '3' },
      ],
    ])
    expect(result.failures[0]?.details).toEqual({ fields: ['revenue'] })
  })

  it('never yields NaN: NaN, booleans and objects fail sum too', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator<{ k: string; v: unknown }>([
          { k: 'a', v: Number.NaN },
          { k: 'a', v: true },
          { k: 'a', v: {} },
          { k: 'a', v: 2 },
        ]),
        aggregate({ groupBy: 'k', measures: { v: 'sum' } }),
      ),
    )
    expect(result.records).toEqual([{ k: 'a', v_sum: 2 }])
    expect(result.failures.map((f) => f.message)).toEqual([
      'aggregate: v: expected a number, got NaN',
      'aggregate: v: expected a number, got true',
      'aggregate: v: expected a number, got {}',
    ])
  })

  it('skips null, undefined and empty strings, so count counts the other values', async () => {
    const report = await pipe(
      fromGenerator<{ k: string; v?: string | number | null }>([
        { k: 'a', v: null },
        { k: 'a' },
        { k: 'a', v: '' },
        { k: 'a', v: ' 4 ' },
        { k: 'a', v: 6 },
        { k: 'b', v: '' },
      ]),
      aggregate({ groupBy: 'k', measures: { v: everyMeasure } }),
      toArray(),
    )
    expect(report.records).toEqual([
      {
        k: 'a',
        v_sum: 10,
        v_count: 2,
        v_avg: 5,
        v_min: 4,
        v_max: 6,
        v_countDistinct: 2,
        v_first: ' 4 ',
        v_last: 6,
      },
      {
        k: 'b',
        v_sum: 0,
        v_count: 0,
        v_avg: null,
        v_min: null,
        v_max: null,
        v_countDistinct: 0,
        v_first: null,
        v_last: null,
      },
    ])
    expect(report.merged).toBe(6)
  })

  it('compares min and max numerically for numeric strings, as text once a group has text, and by time for Dates', async () => {
    const report = await pipe(
      fromGenerator<{ k: string; v: string | Date }>([
        { k: 'numbers', v: '9' },
        { k: 'numbers', v: '10' },
        { k: 'numbers', v: '-2.5' },
        { k: 'text', v: '9' },
        { k: 'text', v: 'b' },
        { k: 'text', v: '10' },
        { k: 'dates', v: new Date('2024-05-01') },
        { k: 'dates', v: new Date('2023-01-01') },
      ]),
      aggregate({ groupBy: 'k', measures: { v: ['min', 'max'] } }),
      toArray(),
    )
    expect(report.records).toEqual([
      { k: 'numbers', v_min: -2.5, v_max: 10 },
      { k: 'text', v_min: '10', v_max: 'b' },
      { k: 'dates', v_min: new Date('2023-01-01'), v_max: new Date('2024-05-01') },
    ])
  })

  it('fails a min/max record whose kind does not compare with the group', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator<{ k: string; v: number | string | Date }>([
          { k: 'a', v: 3 },
          { k: 'a', v: 'x' },
          { k: 'b', v: new Date('2024-01-01') },
          { k: 'b', v: '2025-01-01' },
        ]),
        aggregate({ groupBy: 'k', measures: { v: 'max' } }),
      ),
    )
    expect(result.records).toEqual([
      { k: 'a', v_max: 3 },
      { k: 'b', v_max: new Date('2024-01-01') },
    ])
    expect(result.failures.map((f) => f.message)).toEqual([
      'aggregate: v: expected a number, got "x"',
      `aggregate: v: expected a Date like the group's earlier values, got "2025-01-01"`,
    ])
  })

  it('groups by several fields, compared as a tuple, in first-seen order', async () => {
    const report = await pipe(
      fromGenerator([
        { a: 'x,y', b: 'z', n: 1 },
        { a: 'x', b: 'y,z', n: 2 },
        { a: 'x,y', b: 'z', n: 3 },
      ]),
      aggregate({ groupBy: ['a', 'b'], measures: { n: 'sum' } }),
      toArray(),
    )
    expect(report.records).toEqual([
      { a: 'x,y', b: 'z', n_sum: 4 },
      { a: 'x', b: 'y,z', n_sum: 2 },
    ])
  })

  it('puts records lacking the groupBy field in the group of null', async () => {
    const report = await pipe(
      fromGenerator<{ region?: string | null; n: number }>([
        { n: 1 },
        { region: null, n: 2 },
        { region: 'EU', n: 4 },
      ]),
      aggregate({ groupBy: 'region', measures: { n: 'sum' } }),
      toArray(),
    )
    expect(report.records).toEqual([
      { region: null, n_sum: 3 },
      { region: 'EU', n_sum: 4 },
    ])
  })

  it('emits { key, ...measures } with a key function', async () => {
    const report = await pipe(
      fromGenerator(sales),
      aggregate({
        groupBy: (sale) => sale.region.length,
        measures: { revenue: 'max', id: 'first' },
      }),
      toArray(),
    )
    expect(report.records).toEqual([
      { key: 2, revenue_max: 100, id_first: '1' },
      { key: 4, revenue_max: 10, id_first: '4' },
    ])
  })

  it('renames outputs with names', async () => {
    const report = await pipe(
      fromGenerator(sales),
      aggregate({
        groupBy: 'region',
        measures: { revenue: ['sum', 'avg'] },
        names: { revenue_sum: 'revenue' },
      }),
      toArray(),
    )
    expect(report.records[0]).toEqual({ region: 'EU', revenue: 125.5, revenue_avg: 62.75 })
  })

  it('folds custom reducers, each group from its own initial accumulator', async () => {
    const ids = reducer({
      name: 'ids',
      initial: () => [] as string[],
      reduce: (acc, value) => [...acc, String(value)],
      result: (acc) => acc.join('|'),
    })
    const report = await pipe(
      fromGenerator(sales),
      aggregate({ groupBy: 'region', measures: { id: ids } }),
      toArray(),
    )
    expect(report.records).toEqual([
      { region: 'EU', id_ids: '1|3' },
      { region: 'US', id_ids: '2|5' },
      { region: 'APAC', id_ids: '4' },
    ])
  })

  it('makes a record whose reducer or key function throws a TransformError that counts toward nothing', async () => {
    const picky = reducer({
      name: 'picky',
      initial: () => 0,
      reduce: (acc: number, value) => {
        if (value === '3') throw new Error('no threes')
        return acc + 1
      },
    })
    const result = await runToArray(
      pipe(
        fromGenerator(sales),
        aggregate({
          groupBy: (sale) => {
            if (sale.id === '5') throw new Error('no fives')
            return sale.region
          },
          measures: { id: [picky, 'count'] },
        }),
      ),
    )
    expect(result.records).toEqual([
      { key: 'EU', id_picky: 1, id_count: 1 },
      { key: 'US', id_picky: 1, id_count: 1 },
      { key: 'APAC', id_picky: 1, id_count: 1 },
    ])
    expect(result.failures.map((f) => [f._tag, f.message])).toEqual([
      ['TransformError', 'aggregate: no threes'],
      ['TransformError', 'aggregate: no fives'],
    ])
    expect(result.report).toMatchObject({ merged: 3, failed: 2, created: 3 })
  })

  it('rejects an unknown measure and an empty window when it is built', () => {
    expect(() => aggregate({ groupBy: 'k', measures: { v: 'median' } } as never)).toThrow(
      'aggregate: unknown measure "median" for field v',
    )
    expect(() =>
      aggregate<Row, 'k', { v: 'sum' }>({
        groupBy: 'k',
        measures: { v: 'sum' },
        window: { ms: 0 },
      }),
    ).toThrow('aggregate: window ms must be above 0')
  })

  it('completes over 50,000 records with a high-water mark of 100', async () => {
    const report = await pipe(
      fromGenerator(function* () {
        for (let i = 0; i < 50_000; i++) yield { k: `g${i % 7}`, v: i }
      }),
      aggregate({ groupBy: 'k', measures: { v: ['sum', 'count'] } }),
      toArray({ highWaterMark: 100 }),
    )
    expect(report.status).toBe('completed')
    expect(report.records).toHaveLength(7)
    expect(report.records.reduce((total, row) => total + row.v_count, 0)).toBe(50_000)
    expect(report.records.reduce((total, row) => total + row.v_sum, 0)).toBe((49_999 * 50_000) / 2)
    expect(report).toMatchObject({ read: 50_000, merged: 50_000, created: 7, written: 7 })
    expect(report.maxInFlight).toBeLessThanOrEqual(100)
  })

  it('infers its rows from the measures, with template literal keys', () => {
    const deals = fromGenerator([{ region: 'EU', revenue: '1', id: '1' }])
    expectTypeOf(
      pipe(deals, aggregate({ groupBy: ['region'], measures: { revenue: 'sum', id: 'count' } })),
    ).toEqualTypeOf<Flow<{ region: string; revenue_sum: number; id_count: number }>>()

    const several = pipe(
      deals,
      aggregate({
        groupBy: 'region',
        measures: {
          revenue: [
            'avg',
            'min',
            'countDistinct',
            reducer({ name: 'n', initial: () => 0, reduce: (n) => n + 1 }),
          ],
          id: ['first', 'last'],
        },
        names: { revenue_avg: 'mean' },
      }),
    )
    expectTypeOf(several).toEqualTypeOf<
      Flow<{
        region: string
        mean: number | null
        revenue_min: number | string | null
        revenue_countDistinct: number
        revenue_n: number
        id_first: string | null
        id_last: string | null
      }>
    >()

    const numbers = fromGenerator([{ team: 'a', score: 1, at: new Date() }])
    expectTypeOf(
      pipe(
        numbers,
        aggregate({ groupBy: (row) => row.team.length, measures: { score: 'max', at: 'min' } }),
      ),
    ).toEqualTypeOf<Flow<{ key: number; score_max: number | null; at_min: Date | null }>>()
  })

  it('rejects measures of fields the records do not have, at compile time', () => {
    const deals = fromGenerator([{ region: 'EU', revenue: '1' }])
    // @ts-expect-error: `amount` is not a field of the records
    pipe(deals, aggregate({ groupBy: 'region', measures: { amount: 'sum' } }))
    // @ts-expect-error: `country` is not a field of the records
    pipe(deals, aggregate({ groupBy: 'country', measures: { revenue: 'sum' } }))
  })
})

describe('aggregate windows (marbles)', () => {
  const a1 = { k: 'a', v: 1 }
  const a2 = { k: 'a', v: 2 }
  const b5 = { k: 'b', v: 5 }
  const broken = failure('ParseError', { stage: 'fromCsv', reason: 'bad quote' })
  const sumByK = (
    window?: { count: number } | { ms: number },
    extra = {},
  ): ((flow: Flow<Row>) => Flow<{ k: string; v_sum: number }>) =>
    aggregate<Row, 'k', { v: 'sum' }>({
      groupBy: 'k',
      measures: { v: 'sum' },
      ...(window === undefined ? {} : { window }),
      ...extra,
    })

  it('emits nothing but completion for an empty input', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(sumByK()(cold<Either<Failure, Row>>('---|'))).toBe('---|')
    })
  })

  it('emits the groups when the input completes, passing failures through at once', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-x-b-c-|', {
        ...rightValues({ a: a1, b: b5, c: a2 }),
        ...leftValues({ x: broken }),
      })
      expectObservable(sumByK()(input)).toBe('--x-----(pq|)', {
        x: left(broken),
        ...rightValues({ p: { k: 'a', v_sum: 3 }, q: { k: 'b', v_sum: 5 } }),
      })
    })
  })

  it('emits partial aggregates every n input records with window count, then starts afresh', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-b-c-a-|', rightValues({ a: a1, b: b5, c: a2 }))
      expectObservable(sumByK({ count: 2 })(input)).toBe(
        '--(pq)r-|',
        rightValues({
          p: { k: 'a', v_sum: 1 },
          q: { k: 'b', v_sum: 5 },
          r: { k: 'a', v_sum: 3 },
        }),
      )
    })
  })

  it('emits every t ms with window ms on the given scheduler, skipping empty windows', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable }) => {
      const input = cold('a-b---------c-|', rightValues({ a: a1, b: b5, c: a2 }))
      expectObservable(sumByK({ ms: 5 }, { scheduler })(input)).toBe(
        '-----(pq)-----(r|)',
        rightValues({
          p: { k: 'a', v_sum: 1 },
          q: { k: 'b', v_sum: 5 },
          r: { k: 'a', v_sum: 2 },
        }),
      )
    })
  })

  it('keeps emitting windows of a never-ending input until unsubscribed, then stops its timer', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold('a---b---a-', rightValues({ a: a1, b: b5 }))
      const output = sumByK({ ms: 3 }, { scheduler })(input)
      expectObservable(output, '^-----------------!').toBe(
        '---p--q--r',
        rightValues({
          p: { k: 'a', v_sum: 1 },
          q: { k: 'b', v_sum: 5 },
          r: { k: 'a', v_sum: 1 },
        }),
      )
      expectSubscriptions(input.subscriptions).toBe('^-----------------!')
    })
    // Nothing scheduled is left behind after the unsubscription.
    expect(scheduler.actions).toHaveLength(0)
  })

  it('propagates an early unsubscribe to its input', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold('a-b-c-|', rightValues({ a: a1, b: b5, c: a2 }))
      expectObservable(sumByK()(input), '^--!').toBe('----')
      expectSubscriptions(input.subscriptions).toBe('^--!')
    })
  })

  it('propagates an error and emits no partial groups', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-#', rightValues({ a: a1 }), new Error('disk gone'))
      expectObservable(sumByK({ count: 5 })(input)).toBe('--#', undefined, new Error('disk gone'))
    })
  })

  it('turns a throwing key function into a TransformError at that record', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-b-|', rightValues({ a: a1, b: b5 }))
      const op = aggregate<Row, (row: Row) => string, { v: 'sum' }>({
        groupBy: (row) => {
          if (row.k === 'b') throw new Error('no b')
          return row.k
        },
        measures: { v: 'sum' },
      })
      const out: Observable<unknown> = op(input)
      expectObservable(out).toBe('--x-(p|)', {
        x: left(
          expect.objectContaining({
            _tag: 'TransformError',
            message: 'aggregate: no b',
            record: b5,
          }),
        ),
        ...rightValues({ p: { key: 'a', v_sum: 1 } }),
      })
    })
  })
})

describe('aggregate with a reducer whose result throws', () => {
  it('fails that group with a TransformError naming the stage, and the run goes on', async () => {
    const touchy = reducer({
      name: 'touchy',
      initial: () => 0,
      reduce: (acc: number) => acc + 1,
      result: (acc: number) => {
        if (acc > 1) throw new Error('overflow')
        return acc
      },
    })
    const result = await runToArray(
      pipe(
        fromGenerator([
          { team: 'a', n: 1 },
          { team: 'a', n: 2 },
          { team: 'b', n: 3 },
        ]),
        aggregate({ groupBy: 'team', measures: { n: touchy }, name: 'by team' }),
      ),
    )
    expect(result.error).toBeUndefined()
    expect(result.records).toEqual([{ team: 'b', n_touchy: 1 }])
    expect(result.failures.map((f) => [f._tag, f.stage])).toEqual([['TransformError', 'by team']])
    expect(result.failures[0]?.message).toContain('by team')
    expect(result.failures[0]?.message).toContain('n_touchy')
    expect(result.failures[0]?.message).toContain('overflow')
    expect(result.report).toMatchObject({ status: 'completed', merged: 3, created: 2, failed: 1 })
    expectBalanced(result.report)
  })
})

describe('aggregate on keys that are also Object.prototype names', () => {
  it('keeps a __proto__ group key as data', async () => {
    const records = [
      JSON.parse('{"__proto__": "x", "n": 1}'),
      JSON.parse('{"__proto__": "x", "n": 2}'),
      JSON.parse('{"__proto__": "y", "n": 5}'),
    ] as Array<{ n: number }>
    const report = await pipe(
      fromGenerator(records),
      aggregate({ groupBy: '__proto__' as never, measures: { n: 'sum' } }),
      toArray(),
    )
    const rows = report.records as Array<Record<string, unknown>>
    expect(
      rows.map((row) => [Object.getOwnPropertyDescriptor(row, '__proto__')?.value, row['n_sum']]),
    ).toEqual([
      ['x', 3],
      ['y', 5],
    ])
    expect(rows.every((row) => Object.getPrototypeOf(row) === Object.prototype)).toBe(true)
  })

  it('reads a missing constructor field as missing, not as Object', async () => {
    const report = await pipe(
      fromGenerator([{ n: 1 }, { n: 2 }]),
      aggregate({ groupBy: 'constructor' as never, measures: { n: 'sum' } }),
      toArray(),
    )
    expect(report.records).toEqual([{ constructor: null, n_sum: 3 }])
  })
})

describe('aggregate, in a pipeline under each policy', () => {
  it('counts folded rows as merged and group rows as created, under every policy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawDeal, { maxLength: 40 }),
        fc.constantFrom<Ending>('collect', 'failFast', 'maxFailures'),
        fc.integer({ min: 1, max: 5 }),
        async (input, ending, highWaterMark) => {
          const flow = withPolicy(
            ending,
            pipe(
              fromGenerator(input),
              aggregate({ groupBy: ['region'], measures: { amount: 'sum', id: 'count' } }),
            ),
            'unused.ndjson',
          )
          const { report } = await settle(toArray<unknown>({ highWaterMark })(flow))
          expectBalanced(report)
          if (report.status === 'completed') {
            const good = input.filter(
              (deal) => deal.amount === '' || !Number.isNaN(Number(deal.amount)),
            )
            expect(report.merged).toBe(good.length)
            expect(report.created).toBe(new Set(good.map((deal) => deal.region)).size)
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    )
  })
})
