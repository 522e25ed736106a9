import fc from 'fast-check'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { left } from 'fp-ts/lib/Either.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { failure } from '../../src/core/Failure.js'
import type { Flow } from '../../src/core/Flow.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { leftValues, rightValues, testScheduler } from '../../src/testing/testScheduler.js'

type Row = { k: string; n: number; v: number }
const rows: fc.Arbitrary<Row> = fc.record({
  k: fc.constantFrom('a', 'b', 'c'),
  n: fc.integer({ min: 0, max: 2 }),
  v: fc.integer(),
})

/** The obvious Array implementations: the first, or the last, record of each key, in input order. */
function keepFirst<T>(records: readonly T[], key: (record: T) => string): T[] {
  const seen = new Set<string>()
  return records.filter((record) => !seen.has(key(record)) && seen.add(key(record)) !== undefined)
}
function keepLast<T>(records: readonly T[], key: (record: T) => string): T[] {
  return records.filter((record, index) =>
    records.slice(index + 1).every((later) => key(later) !== key(record)),
  )
}

/** The record with the greatest value of each key (ties and missing values: the later), in input order. */
function keepGreatest<T>(
  records: readonly T[],
  key: (record: T) => string,
  value: (record: T) => number | null,
): T[] {
  const chosen = new Map<string, number>()
  records.forEach((record, index) => {
    const kept = chosen.get(key(record))
    const mine = value(record)
    const theirs = kept === undefined ? undefined : value(records[kept] as T)
    if (
      kept === undefined ||
      (mine === null ? theirs === null : theirs === null || mine >= (theirs as number))
    )
      chosen.set(key(record), index)
  })
  const indexes = new Set(chosen.values())
  return records.filter((_, index) => indexes.has(index))
}

const contacts = [
  { email: 'ada@example.com', name: 'Ada' },
  { email: 'grace@example.com', name: 'Grace' },
  { email: 'ada@example.com', name: 'Ada Lovelace' },
  { email: 'alan@example.com', name: 'Alan' },
  { email: 'grace@example.com', name: 'Grace Hopper' },
]

describe('dedupe', () => {
  it('keeps the operator laws against the first-of-each-key Array model', async () => {
    await expectOperatorLaws(() => dedupe<Row>({ keys: 'k' }), {
      input: rows,
      model: (records) => keepFirst(records, (r) => r.k),
    })
  })

  it('keeps the operator laws against the last-of-each-key Array model, with composite keys', async () => {
    await expectOperatorLaws(() => dedupe<Row>({ keys: ['k', 'n'], keep: 'last' }), {
      input: rows,
      model: (records) => keepLast(records, (r) => `${r.k}/${r.n}`),
    })
  })

  it('keeps the operator laws with a key function', async () => {
    await expectOperatorLaws(() => dedupe<Row>({ key: (r) => Math.abs(r.v) % 4, keep: 'last' }), {
      input: rows,
      model: (records) => keepLast(records, (r) => String(Math.abs(r.v) % 4)),
    })
  })

  it('keeps the operator laws against a greatest-value-of-each-key model with latestBy', async () => {
    type Versioned = { k: string; at: number | null; v: number }
    const versions: fc.Arbitrary<Versioned> = fc.record({
      k: fc.constantFrom('a', 'b', 'c'),
      at: fc.option(fc.integer({ min: 0, max: 3 })),
      v: fc.integer(),
    })
    await expectOperatorLaws(() => dedupe<Versioned>({ keys: 'k', latestBy: 'at' }), {
      input: versions,
      model: (records) =>
        keepGreatest(
          records,
          (r) => r.k,
          (r) => r.at,
        ),
    })
  })

  it('keeps the operator laws with latestBy and a compare function on dates as text', async () => {
    type Dated = { k: string; on: string; v: number }
    const dated: fc.Arbitrary<Dated> = fc.record({
      k: fc.constantFrom('a', 'b'),
      on: fc
        .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
        .map(([month, day]) => `${month}/${day}/2024`),
      v: fc.integer(),
    })
    const asNumber = (text: string): number => {
      const [month = 0, day = 0] = text.split('/').map(Number)
      return month * 100 + day
    }
    await expectOperatorLaws(
      () =>
        dedupe<Dated>({
          keys: 'k',
          latestBy: 'on',
          compare: (a, b) => asNumber(a) - asNumber(b),
        }),
      {
        input: dated,
        model: (records) =>
          keepGreatest(
            records,
            (r) => r.k,
            (r) => asNumber(r.on),
          ),
      },
    )
  })

  it('keeps the record with the latest date, not the last in file order, with latestBy', async () => {
    const deals = [
      { id: 'D1', updated_at: '2024-03-02T10:00:00Z', amount: 200 },
      { id: 'D2', updated_at: '2024-01-01T00:00:00Z', amount: 5 },
      { id: 'D1', updated_at: '2024-03-01T10:00:00Z', amount: 100 },
      { id: 'D2', updated_at: null, amount: 0 },
    ]
    const latest = await pipe(
      fromGenerator(deals),
      dedupe({ keys: 'id', latestBy: 'updated_at' }),
      toArray(),
    )
    expect(latest.records.map((d) => d.amount)).toEqual([200, 5])
    expect(latest.droppedByReason).toEqual({ duplicate: 2 })
    const last = await pipe(fromGenerator(deals), dedupe({ keys: 'id', keep: 'last' }), toArray())
    expect(last.records.map((d) => d.amount)).toEqual([100, 0])
  })

  it('reads a field named like an Object.prototype member as data with latestBy', async () => {
    const records = [
      JSON.parse('{"id": 1, "constructor": "2024-01-02"}') as { id: number; constructor: string },
      { id: 1 } as { id: number; constructor: string },
    ]
    const report = await pipe(
      fromGenerator(records),
      dedupe({ keys: 'id', latestBy: 'constructor' }),
      toArray(),
    )
    expect(report.failures).toEqual([])
    expect(report.records).toEqual([records[0]])
  })

  it('reads dates as text in a dateFormat with latestBy', async () => {
    const report = await pipe(
      fromGenerator([
        { id: 1, closed: '12/31/2023' },
        { id: 1, closed: '01/02/2024' },
        { id: 1, closed: '06/01/2023' },
      ]),
      dedupe({ keys: 'id', latestBy: 'closed', dateFormat: 'MM/DD/YYYY' }),
      toArray(),
    )
    expect(report.records).toEqual([{ id: 1, closed: '01/02/2024' }])
  })

  it('makes a value latestBy cannot order a TransformError naming the field, and says what to give', async () => {
    const report = await pipe(
      fromGenerator([
        { id: 1, on: '2024-01-01' },
        { id: 1, on: '03/01/2024' },
        { id: 2, on: '31.02.2024' },
      ]),
      dedupe({ keys: 'id', latestBy: 'on' }),
      toArray(),
    )
    expect(report.records).toEqual([{ id: 1, on: '2024-01-01' }])
    expect(report.failures.map((failure) => failure.message)).toEqual([
      expect.stringContaining(
        `latestBy on: cannot order "03/01/2024": not a number, a Date or an ISO 8601 date; give dateFormat (such as 'MM/DD/YYYY') or compare`,
      ),
      expect.stringContaining('latestBy on: cannot order "31.02.2024"'),
    ])
    expect(report).toMatchObject({ read: 3, written: 1, failed: 2 })
    const withFormat = await pipe(
      fromGenerator([{ id: 1, on: '2024-01-01' }]),
      dedupe({ keys: 'id', latestBy: 'on', dateFormat: 'DD.MM.YYYY' }),
      toArray(),
    )
    expect(withFormat.failures[0]?.message).toContain(
      'latestBy on: "2024-01-01" is not a date as DD.MM.YYYY',
    )
    expect(() =>
      dedupe<{ id: number; on: string }>({
        keys: 'id',
        latestBy: 'on',
        dateFormat: 'DD.MM.YYYY',
        compare: () => 0,
      } as never),
    ).toThrow(/compare or dateFormat, not both/)
  })

  it('keeps the first record of each key and drops the others as duplicates', async () => {
    const report = await pipe(fromGenerator(contacts), dedupe({ keys: 'email' }), toArray())
    expect(report.records.map((c) => c.name)).toEqual(['Ada', 'Grace', 'Alan'])
    expect(report.droppedByReason).toEqual({ duplicate: 2 })
    const stage = report.stages.find((s) => s.name === 'dedupe')
    expect(stage).toMatchObject({ in: 5, out: 3, dropped: 2, created: 0, merged: 0, failed: 0 })
    expect(stage?.details).toEqual({ distinctKeys: 3 })
  })

  it('keeps the last record of each key, in the input order of the kept records', async () => {
    const report = await pipe(
      fromGenerator(contacts),
      dedupe({ keys: ['email'], keep: 'last', name: 'Latest contact' }),
      toArray(),
    )
    expect(report.records.map((c) => c.name)).toEqual(['Ada Lovelace', 'Alan', 'Grace Hopper'])
    expect(report).toMatchObject({
      read: 5,
      written: 3,
      dropped: 2,
      droppedByReason: { duplicate: 2 },
    })
    const stage = report.stages.find((s) => s.name === 'Latest contact')
    expect(stage).toMatchObject({ in: 5, out: 3, dropped: 2 })
    expect(stage?.details).toEqual({ distinctKeys: 3 })
  })

  it('accepts one field as key, and a key function', async () => {
    const byField = await pipe(fromGenerator(contacts), dedupe({ key: 'email' }), toArray())
    expect(byField.records.map((c) => c.name)).toEqual(['Ada', 'Grace', 'Alan'])
    const byNameLength = await pipe(
      fromGenerator(contacts),
      dedupe({ key: (c) => c.name.length, keep: 'last' }),
      toArray(),
    )
    // lengths 3, 5, 12, 4, 12: 'Ada Lovelace' is replaced by 'Grace Hopper'
    expect(byNameLength.records.map((c) => c.name)).toEqual([
      'Ada',
      'Grace',
      'Alan',
      'Grace Hopper',
    ])
  })

  it('compares composite keys as tuples, so separators in values cannot collide', async () => {
    const report = await pipe(
      fromGenerator([
        { a: 'x,y', b: 'z' },
        { a: 'x', b: 'y,z' },
        { a: 'x","y', b: 'z' },
        { a: 'x', b: 'y","z' },
        { a: 'x,y', b: 'z' },
      ]),
      dedupe({ keys: ['a', 'b'] }),
      toArray(),
    )
    expect(report.records).toHaveLength(4)
    expect(report.droppedByReason).toEqual({ duplicate: 1 })
  })

  it('compares primitive values as they are: "1" and 1 are two keys, a missing field is null', async () => {
    const report = await pipe(
      fromGenerator<{ id?: string | number | null }>([
        { id: '1' },
        { id: 1 },
        {},
        { id: '1' },
        { id: null },
      ]),
      dedupe({ keys: 'id' }),
      toArray(),
    )
    expect(report.records).toEqual([{ id: '1' }, { id: 1 }, {}])
  })

  it('makes a record whose key function throws a TransformError and goes on', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator(contacts),
        dedupe({
          key: (c) => {
            if (c.name === 'Alan') throw new Error('no Alans')
            return c.email
          },
          keep: 'last',
        }),
      ),
    )
    expect(result.records.map((c) => c.name)).toEqual(['Ada Lovelace', 'Grace Hopper'])
    expect(result.failures.map((f) => [f._tag, f.message])).toEqual([
      ['TransformError', 'dedupe: no Alans'],
    ])
    expect(result.report).toMatchObject({ read: 5, written: 2, dropped: 2, failed: 1 })
  })

  it('refuses options without a key when it is built', () => {
    expect(() => dedupe({ keys: [] })).toThrow('dedupe: give the key as keys (field names) or key')
  })

  it.each(['first', 'last'] as const)(
    'completes over 50,000 records with a high-water mark of 100 (keep %s)',
    async (keep) => {
      const report = await pipe(
        fromGenerator(function* () {
          for (let i = 0; i < 50_000; i++) yield { id: `c${i % 1_000}`, i }
        }),
        dedupe({ keys: 'id', keep }),
        toArray({ highWaterMark: 100 }),
      )
      expect(report.status).toBe('completed')
      expect(report.records).toHaveLength(1_000)
      expect(report.records[0]).toEqual(
        keep === 'first' ? { id: 'c0', i: 0 } : { id: 'c0', i: 49_000 },
      )
      expect(report).toMatchObject({ read: 50_000, written: 1_000, dropped: 49_000 })
    },
  )

  it('keeps the records of keep last in custody, so they do not hold the budget', async () => {
    const report = await pipe(
      fromGenerator(function* () {
        for (let i = 0; i < 5_000; i++) yield { id: i }
      }),
      dedupe({ keys: 'id', keep: 'last' }),
      toArray({ highWaterMark: 50 }),
    )
    expect(report.records).toHaveLength(5_000)
    // maxInFlight is the read-ahead under the budget; the 5,000 records in custody are the
    // stage's own figure, and they go out at the end no faster than the budget allows.
    expect(report.maxInFlight).toBeLessThanOrEqual(50)
    expect(report.stages.find((stage) => stage.name === 'dedupe')?.details).toEqual({
      distinctKeys: 5_000,
    })
  })

  it('releases the kept records at the end at the pace of a slow file sink', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'powerflow-dedupe-'))
    try {
      const report = await pipe(
        fromGenerator(function* () {
          for (let i = 0; i < 20_000; i++) yield { id: i % 10_000, i }
        }),
        dedupe({ keys: 'id', keep: 'last' }),
        toCsv(join(directory, 'out.csv'), { highWaterMark: 100, fsync: false }),
      )
      expect(report).toMatchObject({ written: 10_000, dropped: 10_000 })
      expect(report.maxInFlight).toBeLessThanOrEqual(100)
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it('drops the held records as aborted when the run stops before the input ends', async () => {
    const controller = new AbortController()
    const result = await runToArray(
      pipe(
        fromGenerator(async function* () {
          for (let i = 0; i < 10; i++) yield { id: i % 4 }
          controller.abort()
          await new Promise((resolve) => setTimeout(resolve, 5))
          yield { id: 99 }
        }),
        dedupe({ keys: 'id', keep: 'last' }),
      ),
      { signal: controller.signal },
    )
    expect(result.report.status).toBe('aborted')
    expect(result.records).toEqual([])
    // Six replaced duplicates settled as such; the four kept ones were still in custody.
    expect(result.report.droppedByReason).toEqual({ duplicate: 6, aborted: 4 })
    expect(result.report.read).toBe(10)
  })

  it('keeps the record type', () => {
    const flow = pipe(fromGenerator(contacts), dedupe({ keys: ['email', 'name'] }))
    expectTypeOf(flow).toEqualTypeOf<Flow<{ email: string; name: string }>>()
    // @ts-expect-error: `phone` is not a field of the records
    pipe(fromGenerator(contacts), dedupe({ keys: 'phone' }))
    // @ts-expect-error: keys and key exclude each other
    pipe(fromGenerator(contacts), dedupe({ keys: 'email', key: 'name' }))
  })
})

describe('dedupe (marbles)', () => {
  const a1 = { k: 'a', v: 1 }
  const a2 = { k: 'a', v: 2 }
  const b1 = { k: 'b', v: 1 }
  const broken = failure('ParseError', { stage: 'fromCsv', reason: 'bad quote' })
  const values = { ...rightValues({ a: a1, A: a2, b: b1 }), ...leftValues({ x: broken }) }

  it('emits nothing but completion for an empty input', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(dedupe<typeof a1>({ keys: 'k' })(cold('--|'))).toBe('--|')
      expectObservable(dedupe<typeof a1>({ keys: 'k', keep: 'last' })(cold('--|'))).toBe('--|')
    })
  })

  it('emits the first record of each key as soon as it is seen', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-x-A-b-|', values)
      expectObservable(dedupe<typeof a1>({ keys: 'k' })(input)).toBe('a-x---b-|', {
        ...rightValues({ a: a1, b: b1 }),
        x: left(broken),
      })
    })
  })

  it('with keep last, passes failures at once and emits the kept records when the input completes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-b-x-A-|', values)
      expectObservable(dedupe<typeof a1>({ keys: 'k', keep: 'last' })(input)).toBe(
        '----x---(bA|)',
        {
          ...rightValues({ A: a2, b: b1 }),
          x: left(broken),
        },
      )
    })
  })

  it('emits nothing kept of a never-ending input, and propagates unsubscription', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold('a-b-A-', values)
      expectObservable(dedupe<typeof a1>({ keys: 'k', keep: 'last' })(input), '^-------!').toBe('')
      expectSubscriptions(input.subscriptions).toBe('^-------!')
    })
  })

  it('propagates an error', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-#', values, new Error('disk gone'))
      expectObservable(dedupe<typeof a1>({ keys: 'k', keep: 'last' })(input)).toBe(
        '--#',
        undefined,
        new Error('disk gone'),
      )
      expectObservable(dedupe<typeof a1>({ keys: 'k' })(input)).toBe(
        'a-#',
        rightValues({ a: a1 }),
        new Error('disk gone'),
      )
    })
  })

  it('turns a throwing key function into a TransformError at that record', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('a-b-|', values)
      const op = dedupe<typeof a1>({
        key: (row) => {
          if (row.k === 'b') throw new Error('no b')
          return row.k
        },
      })
      expectObservable(op(input)).toBe('a-x-|', {
        ...rightValues({ a: a1 }),
        x: left(
          expect.objectContaining({ _tag: 'TransformError', message: 'dedupe: no b', record: b1 }),
        ),
      })
    })
  })
})
