import fc from 'fast-check'
import { Observable, Subject, of } from 'rxjs'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { enrich, type Enriched } from '../../src/operators/enrich.js'
import type { EnrichReport } from '../../src/core/EnrichReport.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import type { Flow } from '../../src/core/Flow.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { leftValues, rightValues, testScheduler } from '../../src/testing/testScheduler.js'
import { toArray } from '../../src/sinks/toArray.js'
import { activeResources, eventually, expectBalanced, settle } from '../support/ledger.js'

interface Deal {
  readonly id: number
  readonly account: string
}

const deals = (count: number): Deal[] =>
  Array.from({ length: count }, (_, index) => ({ id: index, account: `A${index % 3}` }))

/** A promise and the functions that settle it, so a test decides when each lookup finishes. */
function deferred<T>(): {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
} {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Collects what a flow emits when subscribed directly (detached: no run, no budget). */
function collect<B>(flow: Flow<B>): {
  values: Array<Either<Failure, B>>
  done: () => boolean
  error: () => unknown
  unsubscribe: () => void
} {
  const values: Array<Either<Failure, B>> = []
  let completed = false
  let failed: unknown
  const subscription = flow.subscribe({
    next: (value) => values.push(value),
    error: (error: unknown) => {
      failed = error
    },
    complete: () => {
      completed = true
    },
  })
  return {
    values,
    done: () => completed,
    error: () => failed,
    unsubscribe: () => subscription.unsubscribe(),
  }
}

const recordsOf = <B>(values: ReadonlyArray<Either<Failure, B>>): B[] =>
  values.flatMap((value) => (value._tag === 'Right' ? [value.right] : []))

describe('enrich', () => {
  it('keeps the operator laws with a synchronous lookup, in order', async () => {
    await expectOperatorLaws(
      enrich((n: { n: number }) => ({ double: n.n * 2 })),
      {
        input: fc.record({ n: fc.integer() }),
        model: (records) => records.map((record) => ({ ...record, double: record.n * 2 })),
      },
    )
  })

  it('keeps the operator laws with an asynchronous lookup that sometimes finds nothing', async () => {
    await expectOperatorLaws(
      enrich(
        async (record: { n: number }) =>
          record.n % 3 === 0 ? undefined : { odd: record.n % 2 !== 0 },
        { concurrency: 3, onMissing: 'drop' },
      ),
      {
        input: fc.record({ n: fc.integer() }),
        model: (records) =>
          records.filter((r) => r.n % 3 !== 0).map((r) => ({ ...r, odd: r.n % 2 !== 0 })),
        numRuns: 40,
      },
    )
  })

  it('keeps the operator laws unordered, as a multiset', async () => {
    await expectOperatorLaws(
      enrich(
        (record: { n: number }) =>
          new Promise<{ tag: string }>((resolve) =>
            setTimeout(() => resolve({ tag: `#${record.n}` }), Math.abs(record.n) % 3),
          ),
        { ordered: false, concurrency: 5 },
      ),
      {
        input: fc.record({ n: fc.integer({ min: -20, max: 20 }) }),
        model: (records) => records.map((record) => ({ ...record, tag: `#${record.n}` })),
        ordered: false,
        numRuns: 25,
        maxLength: 20,
      },
    )
  })

  it('never runs more lookups at once than its concurrency, and uses all of it', async () => {
    let inFlight = 0
    let most = 0
    const result = await runToArray(
      pipe(
        fromGenerator(deals(40)),
        enrich(
          async (deal: Deal) => {
            inFlight += 1
            most = Math.max(most, inFlight)
            // Different lengths, so lookups finish out of order.
            for (let wait = 0; wait < (deal.id * 7) % 5; wait++) await tick()
            inFlight -= 1
            return { score: deal.id * 10 }
          },
          { concurrency: 3 },
        ),
      ),
    )
    expect(most).toBe(3)
    expect(result.records.map((record) => record.score)).toEqual(deals(40).map((d) => d.id * 10))
  })

  it('keeps order and loses nothing over thousands of records waiting for few lookups', async () => {
    const count = 6_000
    const result = await runToArray(
      pipe(
        fromGenerator(Array.from({ length: count }, (_, id) => ({ id }))),
        enrich(
          async (record: { id: number }) => {
            if (record.id % 7 === 0) await tick()
            return { square: record.id * record.id }
          },
          { concurrency: 2 },
        ),
      ),
      { highWaterMark: 3_000 },
    )
    expect(result.records).toHaveLength(count)
    expect(result.records.every((record, index) => record.id === index)).toBe(true)
    expect(result.records.every((record) => record.square === record.id * record.id)).toBe(true)
    expect(result.report.written).toBe(count)
  })

  it('emits in input order when lookups finish out of order', async () => {
    const pending = [
      deferred<{ n: number }>(),
      deferred<{ n: number }>(),
      deferred<{ n: number }>(),
    ]
    const input = new Subject<Either<Failure, { i: number }>>()
    const out = collect(
      enrich((record: { i: number }) => (pending[record.i] as (typeof pending)[0]).promise)(input),
    )
    for (let i = 0; i < 3; i++) input.next(right({ i }))
    input.complete()
    pending[2]?.resolve({ n: 2 })
    pending[1]?.resolve({ n: 1 })
    await tick()
    expect(out.values).toEqual([])
    pending[0]?.resolve({ n: 0 })
    await tick()
    expect(recordsOf(out.values)).toEqual([
      { i: 0, n: 0 },
      { i: 1, n: 1 },
      { i: 2, n: 2 },
    ])
    expect(out.done()).toBe(true)
  })

  it('keeps failures in their place among the records when ordered', async () => {
    const gate = deferred<{ ok: true }>()
    const input = new Subject<Either<Failure, { i: number }>>()
    const broken = failure('ParseError', { stage: 'upstream', reason: 'bad line' })
    const out = collect(enrich<{ i: number }, { ok: true }>(() => gate.promise)(input))
    input.next(right({ i: 0 }))
    input.next(left(broken))
    input.next(right({ i: 1 }))
    input.complete()
    expect(out.values).toEqual([])
    gate.resolve({ ok: true })
    await tick()
    expect(out.values).toEqual([right({ i: 0, ok: true }), left(broken), right({ i: 1, ok: true })])
  })

  it('emits each record as its lookup finishes with ordered: false', async () => {
    const pending = [
      deferred<{ n: number }>(),
      deferred<{ n: number }>(),
      deferred<{ n: number }>(),
    ]
    const input = new Subject<Either<Failure, { i: number }>>()
    const out = collect(
      enrich((record: { i: number }) => (pending[record.i] as (typeof pending)[0]).promise, {
        ordered: false,
      })(input),
    )
    for (let i = 0; i < 3; i++) input.next(right({ i }))
    input.complete()
    pending[2]?.resolve({ n: 2 })
    await tick()
    pending[0]?.resolve({ n: 0 })
    await tick()
    expect(recordsOf(out.values).map((record) => record.i)).toEqual([2, 0])
    expect(out.done()).toBe(false)
    pending[1]?.resolve({ n: 1 })
    await tick()
    expect(recordsOf(out.values).map((record) => record.i)).toEqual([2, 0, 1])
    expect(out.done()).toBe(true)
  })

  it('looks each cache key up once, sharing a lookup in flight, and answers hits synchronously', async () => {
    const calls: string[] = []
    const result = await runToArray(
      pipe(
        fromGenerator(deals(30)),
        enrich(
          async (deal: Deal) => {
            calls.push(deal.account)
            await tick()
            return { accountName: `name of ${deal.account}` }
          },
          { cache: { key: (deal) => deal.account }, concurrency: 4 },
        ),
      ),
    )
    expect([...calls].sort()).toEqual(['A0', 'A1', 'A2'])
    expect(result.records).toHaveLength(30)
    expect(result.records[29]).toEqual({ id: 29, account: 'A2', accountName: 'name of A2' })

    const seen: number[] = []
    const input = new Subject<Either<Failure, Deal>>()
    const cached = enrich((deal: Deal) => ({ seenAt: deal.id }), {
      cache: { key: (deal) => deal.account },
    })
    cached(input).subscribe((value) => {
      if (value._tag === 'Right') seen.push(value.right.seenAt)
    })
    input.next(right({ id: 1, account: 'A' }))
    input.next(right({ id: 2, account: 'A' }))
    expect(seen).toEqual([1, 1])
  })

  it('looks a key up again once its entry is older than ttlMs, or pushed out by maxEntries', async () => {
    let now = 1_000
    const calls: string[] = []
    const input = new Subject<Either<Failure, { key: string }>>()
    const out = collect(
      enrich(
        (record: { key: string }) => {
          calls.push(record.key)
          return { found: record.key }
        },
        { cache: { key: (record) => record.key, ttlMs: 100, maxEntries: 2, now: () => now } },
      )(input),
    )
    input.next(right({ key: 'a' }))
    now += 99
    input.next(right({ key: 'a' }))
    expect(calls).toEqual(['a'])
    now += 1
    input.next(right({ key: 'a' }))
    expect(calls).toEqual(['a', 'a'])
    input.next(right({ key: 'b' }))
    input.next(right({ key: 'c' }))
    input.next(right({ key: 'b' }))
    input.next(right({ key: 'a' }))
    expect(calls).toEqual(['a', 'a', 'b', 'c', 'a'])
    expect(out.values).toHaveLength(7)
  })

  it('does not cache failures', async () => {
    let calls = 0
    const result = await runToArray(
      pipe(
        fromGenerator([{ k: 'x' }, { k: 'x' }]),
        enrich<{ k: string }, { ok: boolean }>(
          () => {
            calls += 1
            if (calls === 1) throw new Error('flaky')
            return { ok: true }
          },
          { cache: { key: (record) => record.k } },
        ),
      ),
    )
    expect(calls).toBe(2)
    expect(result.records).toEqual([{ k: 'x', ok: true }])
    expect(result.failures.map((f) => f.message)).toEqual(['enrich: lookup failed: flaky'])
  })

  it('fails a record whose lookup times out on every attempt, counting the attempts', async () => {
    const signals: AbortSignal[] = []
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }]),
        enrich(
          (_: { id: number }, signal) => {
            signals.push(signal)
            return new Promise<{ never: true }>(() => undefined)
          },
          { timeoutMs: 5, retries: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } },
        ),
      ),
    )
    expect(result.records).toEqual([])
    expect(signals).toHaveLength(3)
    expect(signals.every((signal) => signal.aborted)).toBe(true)
    expect(result.report.failed).toBe(1)
    expect(result.failures[0]).toMatchObject({
      _tag: 'TransformError',
      stage: 'enrich',
      message: 'enrich: lookup failed: timed out after 5 ms (gave up after 3 attempts)',
      record: { id: 1 },
      details: { attempts: 3 },
    })
    expect(result.failures[0]?.cause).toMatchObject({ name: 'AttemptTimeoutError' })
  })

  it('retries a transient failure and merges the result of the attempt that succeeds', async () => {
    const attempts: number[] = []
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 7 }]),
        enrich(
          async (record: { id: number }) => {
            attempts.push(record.id)
            if (attempts.length < 3) throw new Error('503 Service Unavailable')
            return { owner: 'Ada' }
          },
          { retries: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } },
        ),
      ),
    )
    expect(attempts).toEqual([7, 7, 7])
    expect(result.records).toEqual([{ id: 7, owner: 'Ada' }])
    expect(result.report.failed).toBe(0)
  })

  it('retries an Observable lookup, unsubscribing each attempt that times out', async () => {
    let subscribed = 0
    let unsubscribed = 0
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }]),
        enrich(
          () =>
            new Observable<{ owner: string }>((subscriber) => {
              subscribed += 1
              if (subscribed === 3) subscriber.next({ owner: 'Ada' })
              return () => {
                unsubscribed += 1
              }
            }),
          { timeoutMs: 5, retries: { retries: 3, minDelayMs: 1, maxDelayMs: 1 } },
        ),
      ),
    )
    expect(result.records).toEqual([{ id: 1, owner: 'Ada' }])
    expect(subscribed).toBe(3)
    expect(unsubscribed).toBe(3)
  })

  it('does not retry an error that isRetryable rejects', async () => {
    let calls = 0
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }]),
        enrich<{ id: number }, { never: true }>(
          async () => {
            calls += 1
            throw new Error('404 Not Found')
          },
          { retries: { retries: 3, minDelayMs: 1, isRetryable: () => false } },
        ),
      ),
    )
    expect(calls).toBe(1)
    expect(result.failures[0]?.message).toBe(
      'enrich: lookup failed: 404 Not Found (not retried, attempt 1)',
    )
  })

  it('keeps, drops or fails records the lookup finds nothing for', async () => {
    const lookup = (record: { id: number }) => (record.id === 2 ? null : { found: true })
    const source = () => fromGenerator([{ id: 1 }, { id: 2 }, { id: 3 }])

    const kept = await runToArray(pipe(source(), enrich(lookup)))
    expect(kept.records).toEqual([{ id: 1, found: true }, { id: 2 }, { id: 3, found: true }])

    const dropped = await runToArray(pipe(source(), enrich(lookup, { onMissing: 'drop' })))
    expect(dropped.records.map((record) => record.id)).toEqual([1, 3])
    expect(dropped.report.droppedByReason).toEqual({ unmatched: 1 })
    expect(dropped.report.stages.find((s) => s.name === 'enrich')).toMatchObject({
      in: 3,
      out: 2,
      dropped: 1,
    })

    const failed = await runToArray(
      pipe(source(), enrich(lookup, { onMissing: 'fail', name: 'Find owner' })),
    )
    expect(failed.records.map((record) => record.id)).toEqual([1, 3])
    expect(failed.failures).toMatchObject([
      {
        _tag: 'TransformError',
        message: 'Find owner: the lookup found nothing (onMissing: fail)',
        record: { id: 2 },
      },
    ])
  })

  it('takes the first value of an Observable lookup, and nothing from an empty one', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }, { id: 2 }]),
        enrich((record: { id: number }) =>
          record.id === 1
            ? of({ v: 'first' }, { v: 'second' })
            : new Observable<{ v: string }>((s) => s.complete()),
        ),
      ),
    )
    expect(result.records).toEqual([{ id: 1, v: 'first' }, { id: 2 }])
  })

  it('fails a record whose lookup returns something other than an object', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }]),
        enrich<{ id: number }, { n: number }>(() => 42 as unknown as { n: number }),
      ),
    )
    expect(result.failures[0]?.message).toBe(
      'enrich: the lookup returned 42 (a number); expected an object of fields to merge',
    )
  })

  it('never mutates the input record, and the merged fields win', async () => {
    const input = { id: 1, name: 'old' }
    const result = await runToArray(
      pipe(
        fromGenerator([input]),
        enrich<{ id: number; name: string }, { name: string }>(() => ({ name: 'new' })),
      ),
    )
    expect(result.records).toEqual([{ id: 1, name: 'new' }])
    expect(input).toEqual({ id: 1, name: 'old' })
    expect(result.records[0]).not.toBe(input)
  })

  it('aborts the signals of pending lookups and ignores them on unsubscribe', async () => {
    const signals: AbortSignal[] = []
    const started: number[] = []
    const input = new Subject<Either<Failure, { i: number }>>()
    const out = collect(
      enrich(
        (record: { i: number }, signal) => {
          started.push(record.i)
          signals.push(signal)
          return new Promise<{ x: number }>((resolve) => setTimeout(() => resolve({ x: 1 }), 1))
        },
        { concurrency: 2 },
      )(input),
    )
    for (let i = 0; i < 5; i++) input.next(right({ i }))
    expect(started).toEqual([0, 1])
    out.unsubscribe()
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true])
    expect(input.observed).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(out.values).toEqual([])
    expect(started).toEqual([0, 1])
  })

  it('stops lookups and their retry timers when the run is aborted', async () => {
    const controller = new AbortController()
    const signals: AbortSignal[] = []
    const running = runToArray(
      pipe(
        fromGenerator(deals(10)),
        enrich(
          (_: Deal, signal) => {
            signals.push(signal)
            if (signals.length === 2) queueMicrotask(() => controller.abort())
            return new Promise<{ x: number }>(() => undefined)
          },
          { timeoutMs: 60_000, retries: 5 },
        ),
      ),
      { signal: controller.signal },
    )
    const result = await running
    expect(result.report.status).toBe('aborted')
    expect(signals.length).toBeGreaterThanOrEqual(2)
    expect(signals.every((signal) => signal.aborted)).toBe(true)
    expect(result.report.droppedByReason['aborted']).toBe(10)
  })

  it('keeps a run with slow lookups from being judged stalled', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator(deals(6)),
        enrich(
          (deal: Deal) =>
            new Promise<{ slow: number }>((resolve) =>
              setTimeout(() => resolve({ slow: deal.id }), 30),
            ),
          { concurrency: 2 },
        ),
      ),
      { highWaterMark: 2, stallTimeoutMs: 10 },
    )
    expect(result.error).toBeUndefined()
    expect(result.records.map((record) => record.slow)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('rejects options that cannot work when it is made', () => {
    const lookup = (record: { id: number }) => ({ seen: record.id })
    expect(() => enrich(lookup, { concurrency: 0 })).toThrow(
      'enrich: concurrency must be a whole number of at least 1 (got 0)',
    )
    expect(() => enrich(lookup, { concurrency: Number.NaN })).toThrow(RangeError)
    expect(() => enrich(lookup, { timeoutMs: 0, name: 'owners' })).toThrow(
      'owners: timeoutMs must be above 0 (got 0)',
    )
    expect(() => enrich(lookup, { retries: -1 })).toThrow(RangeError)
    expect(() => enrich(lookup, { cache: { key: String, maxEntries: 0 } })).toThrow(RangeError)
    expect(() => enrich(lookup, { cache: { key: String, ttlMs: -5 } })).toThrow(RangeError)
  })

  it('infers the merged record type, honest about records kept without a match', () => {
    type Row = { id: string; amount: string }
    const found = enrich(async (row: Row) => ({ amount: Number(row.amount), owner: 'Ada' }))
    expectTypeOf(found).returns.toEqualTypeOf<
      Flow<Enriched<Row, { amount: number; owner: string }>>
    >()
    expectTypeOf<Enriched<Row, { amount: number }>>().toEqualTypeOf<
      Omit<Row, 'amount'> & { amount: number }
    >()

    const maybe = (row: Row) => (row.id === '' ? undefined : of({ owner: 'Ada' }))
    expectTypeOf(enrich(maybe)).returns.toEqualTypeOf<
      Flow<Row | Enriched<Row, { owner: string }>>
    >()
    expectTypeOf(enrich(maybe, { onMissing: 'drop' })).returns.toEqualTypeOf<
      Flow<Enriched<Row, { owner: string }>>
    >()
  })
})

describe('enrich (marble timing)', () => {
  it('runs at most concurrency Observable lookups at once and emits in input order', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold('abc|', rightValues({ a: { k: 'a' }, b: { k: 'b' }, c: { k: 'c' } }))
      const lookups = {
        a: cold('-----x|', { x: { v: 1 } }),
        b: cold('--y|', { y: { v: 2 } }),
        c: cold('-z|', { z: { v: 3 } }),
      }
      const output = enrich((record: { k: string }) => lookups[record.k as keyof typeof lookups], {
        concurrency: 2,
      })(input)
      // a runs 0–5 and b 1–3; c waits for b, runs 3–4; all come out when a is done.
      expectObservable(output).toBe(
        '-----(xyz|)',
        rightValues({ x: { k: 'a', v: 1 }, y: { k: 'b', v: 2 }, z: { k: 'c', v: 3 } }),
      )
      expectSubscriptions(lookups.a.subscriptions).toBe('^----!')
      expectSubscriptions(lookups.b.subscriptions).toBe('-^-!')
      expectSubscriptions(lookups.c.subscriptions).toBe('---^!')
    })
  })

  it('emits as lookups finish with ordered: false', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('ab|', rightValues({ a: { k: 'a' }, b: { k: 'b' } }))
      const lookups = { a: cold('---x|', { x: { v: 1 } }), b: cold('y|', { y: { v: 2 } }) }
      const output = enrich((record: { k: string }) => lookups[record.k as keyof typeof lookups], {
        ordered: false,
      })(input)
      expectObservable(output).toBe(
        '-y-(x|)',
        rightValues({ x: { k: 'a', v: 1 }, y: { k: 'b', v: 2 } }),
      )
    })
  })

  it('completes at once on an empty input, and not before its last lookup', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(enrich<{ k: string }, object>(() => cold('x|', { x: {} }))(cold('|'))).toBe(
        '|',
      )
      const input = cold('a|', rightValues({ a: { k: 'a' } }))
      expectObservable(
        enrich<{ k: string }, { v: number }>(() => cold('---x|', { x: { v: 1 } }))(input),
      ).toBe('---(x|)', rightValues({ x: { k: 'a', v: 1 } }))
    })
  })

  it('passes an error of the input on, unsubscribing the lookups in flight', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const lookup = cold('-----x|', { x: { v: 1 } })
      const input = cold('a-#', rightValues({ a: { k: 'a' } }), new Error('upstream'))
      expectObservable(enrich<{ k: string }, { v: number }>(() => lookup)(input)).toBe(
        '--#',
        undefined,
        new Error('upstream'),
      )
      expectSubscriptions(lookup.subscriptions).toBe('^-!')
    })
  })

  it('turns an erroring Observable lookup or a throwing one into a Left for that record', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const input = cold('(ab|)', rightValues({ a: { k: 'a' }, b: { k: 'b' } }))
      const output = enrich((record: { k: string }) => {
        if (record.k === 'b') throw new Error('bad key')
        return cold('-#', undefined, new Error('down'))
      })(input)
      expectObservable(output).toBe('-(xy|)', {
        x: left(expect.objectContaining({ message: 'enrich: lookup failed: down' })),
        y: left(expect.objectContaining({ message: 'enrich: lookup failed: bad key' })),
      })
    })
  })

  it('stops a never-ending lookup on early unsubscribe', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const lookup = cold('-')
      const input = hot('-a--', rightValues({ a: { k: 'a' } }))
      expectObservable(enrich<{ k: string }, object>(() => lookup)(input), '^--!').toBe('---')
      expectSubscriptions(lookup.subscriptions).toBe('-^-!')
    })
  })

  it('lets a failure through at once when nothing waits before it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const broken = failure('ParseError', { stage: 'upstream', reason: 'bad' })
      const input = cold('e-a|', {
        ...leftValues({ e: broken }),
        ...rightValues({ a: { k: 'a' } }),
      })
      expectObservable(
        enrich<{ k: string }, { v: number }>(() => cold('-x|', { x: { v: 1 } }))(input),
      ).toBe('e--(x|)', { ...leftValues({ e: broken }), ...rightValues({ x: { k: 'a', v: 1 } }) })
    })
  })
})

/** An error as HTTP clients make them: a status, and the response's headers. */
class HttpLikeError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`)
  }
}

describe('enrich, when the run is aborted', () => {
  const timers = (): number => activeResources()['Timeout'] ?? 0

  it('clears its per-call timers and aborts its lookups when the run is aborted', async () => {
    const before = timers()
    const controller = new AbortController()
    let started = 0
    let aborted = 0
    const run = settle(
      pipe(
        fromGenerator(Array.from({ length: 100 }, (_, id) => ({ id }))),
        enrich(
          (record, signal) =>
            new Promise<{ extra: number }>((resolve) => {
              started += 1
              const stop = (): void => {
                aborted += 1
                resolve({ extra: record.id })
              }
              if (started === 3) controller.abort()
              if (signal.aborted) stop()
              else signal.addEventListener('abort', stop)
            }),
          { concurrency: 3, timeoutMs: 60_000 },
        ),
        toArray({ signal: controller.signal }),
      ),
    )
    const { report } = await run
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    await eventually(() => timers() <= before)
    expect(timers()).toBeLessThanOrEqual(before)
    expect(aborted).toBe(started)
  })
})

const enrichOf = (report: { readonly [section: string]: unknown }): EnrichReport[] =>
  report['enrich'] as EnrichReport[]

describe('enrich (HTTP-minded lookups)', () => {
  it('waits the Retry-After a 429 asks for, read from the error, and says so in the report', async () => {
    let calls = 0
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }]),
        enrich(
          async () => {
            calls += 1
            if (calls === 1) throw new HttpLikeError(429, { 'Retry-After': '0.02' })
            return { ok: true }
          },
          { retries: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } },
        ),
      ),
    )
    expect(result.records).toEqual([{ id: 1, ok: true }])
    expect(enrichOf(result.report)).toEqual([
      {
        name: 'enrich',
        calls: 2,
        retries: 1,
        retryAfterWaits: 1,
        failedLookups: 0,
        cacheHits: 0,
        cacheMisses: 0,
        cachedMissHits: 0,
      },
    ])
  })

  it('reads Retry-After from a fetch-style error.response.headers, and gives up when it is too long', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }]),
        enrich(
          async () => {
            throw Object.assign(new Error('rate limited'), {
              response: { status: 429, headers: new Headers({ 'retry-after': '120' }) },
            })
          },
          { retries: { retries: 3, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1_000 } },
        ),
      ),
    )
    expect(result.failures[0]?.message).toBe(
      'enrich: lookup failed: rate limited (the server asked to retry after 120 s, more than maxRetryAfterMs 1 s; gave up after 1 attempt)',
    )
  })

  it('counts calls, retries, cache hits and misses and failed lookups in report.enrich', async () => {
    let calls = 0
    const result = await runToArray(
      pipe(
        fromGenerator(['a', 'a', 'b', 'c', 'a', 'b'].map((key, id) => ({ id, key }))),
        enrich(
          async (record: { id: number; key: string }) => {
            calls += 1
            if (record.key === 'c') throw new Error('boom')
            return { found: record.key }
          },
          {
            name: 'accounts',
            cache: { key: (record) => record.key },
            retries: { retries: 1, minDelayMs: 1, maxDelayMs: 1 },
          },
        ),
      ),
    )
    expect(calls).toBe(4)
    expect(enrichOf(result.report)).toEqual([
      {
        name: 'accounts',
        calls: 4,
        retries: 1,
        retryAfterWaits: 0,
        failedLookups: 1,
        cacheHits: 3,
        cacheMisses: 3,
        cachedMissHits: 0,
      },
    ])
  })

  it('says which line of the source a failed lookup belongs to', async () => {
    const result = await runToArray(
      pipe(
        fromCsv({ text: 'id,domain\n1,acme.com\n2,bad.example\n' }),
        enrich(
          async (record: Record<string, string>) => {
            if (record['domain'] === 'bad.example') throw new Error('no such company')
            return { company: 'Acme' }
          },
          { onMissing: 'fail' },
        ),
      ),
    )
    expect(result.records).toHaveLength(1)
    expect(result.failures[0]?.location).toMatchObject({ line: 3, row: 2 })
    expect(result.failures[0]?.message).toContain('line 3')
  })

  it('remembers a 404 as a miss for missTtlMs: one bad key on three records makes one request', async () => {
    let now = 0
    const seen: string[] = []
    const run = (keys: string[]) =>
      pipe(
        fromGenerator(keys.map((domain, id) => ({ id, domain }))),
        enrich(
          async (record: { id: number; domain: string }) => {
            seen.push(record.domain)
            if (record.domain === 'nope.example') throw new HttpLikeError(404)
            return { company: record.domain }
          },
          {
            retries: 3,
            concurrency: 1,
            cache: {
              key: (record) => record.domain,
              ttlMs: 60_000,
              missTtlMs: 1_000,
              now: () => now,
            },
          },
        ),
      )
    const first = await runToArray(
      run(['nope.example', 'acme.com', 'nope.example', 'nope.example']),
    )
    // A 404 is not retried, and remembered: the other two records get the same failure.
    expect(seen).toEqual(['nope.example', 'acme.com'])
    expect(first.failures).toHaveLength(3)
    expect(enrichOf(first.report)[0]).toMatchObject({ calls: 2, cacheHits: 2 })

    // A lookup that finds nothing is a miss too, kept for missTtlMs, not ttlMs.
    seen.length = 0
    const found: { company: string } | undefined = undefined
    const nothing = (records: number) =>
      pipe(
        fromGenerator(Array.from({ length: records }, (_, id) => ({ id, domain: 'x.example' }))),
        enrich(
          (record: { id: number; domain: string }) => {
            seen.push(record.domain)
            return found
          },
          {
            concurrency: 1,
            cache: { key: (r) => r.domain, ttlMs: 60_000, missTtlMs: 1_000, now: () => now },
          },
        ),
      )
    const misses = await runToArray(nothing(2))
    expect(misses.records).toHaveLength(2)
    expect(seen).toEqual(['x.example'])
    expect(enrichOf(misses.report)[0]).toMatchObject({ cacheHits: 1, cachedMissHits: 1 })
  })

  it('looks a remembered miss up again once missTtlMs has passed, and a match after ttlMs', () => {
    let now = 0
    const calls: string[] = []
    const input = new Subject<Either<Failure, { key: string }>>()
    const out = collect(
      enrich(
        (record: { key: string }) => {
          calls.push(record.key)
          if (record.key === 'gone') throw new HttpLikeError(410)
          return record.key === 'none' ? undefined : { found: record.key }
        },
        { cache: { key: (record) => record.key, ttlMs: 100, missTtlMs: 10, now: () => now } },
      )(input),
    )
    for (const key of ['gone', 'none', 'hit']) input.next(right({ key }))
    now += 9
    for (const key of ['gone', 'none', 'hit']) input.next(right({ key }))
    expect(calls).toEqual(['gone', 'none', 'hit'])
    now += 1
    for (const key of ['gone', 'none', 'hit']) input.next(right({ key }))
    expect(calls).toEqual(['gone', 'none', 'hit', 'gone', 'none'])
    const failures = out.values.filter((value) => value._tag === 'Left')
    expect(failures.map((value) => (value as { left: Failure }).left.details?.['cached'])).toEqual([
      undefined,
      true,
      undefined,
    ])
  })

  it('keeps to rateLimit: no more calls than the limit within the window', async () => {
    const controller = new AbortController()
    let calls = 0
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }, { id: 2 }, { id: 3 }]),
        enrich(
          async () => {
            calls += 1
            if (calls === 2) setTimeout(() => controller.abort(), 30)
            return { ok: true }
          },
          { rateLimit: { limit: 2, windowMs: 60_000 } },
        ),
      ),
      { signal: controller.signal },
    )
    expect(calls).toBe(2)
    expect(result.report.status).toBe('aborted')
  })

  it('treats timeoutMs: Infinity as no time limit, not as a timeout after 1 ms', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 1 }]),
        enrich(
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 20))
            return { ok: true }
          },
          { timeoutMs: Number.POSITIVE_INFINITY },
        ),
      ),
    )
    expect(result.records).toEqual([{ id: 1, ok: true }])
  })

  it('refuses rate limits and miss TTLs that cannot work', () => {
    expect(() => enrich(async () => ({}), { rateLimit: { limit: 0, windowMs: 1 } })).toThrow(
      'enrich: rateLimit.limit must be a whole number of at least 1 (got 0)',
    )
    expect(() =>
      enrich(async (r: { k: string }) => ({ r }), { cache: { key: (r) => r.k, missTtlMs: 0 } }),
    ).toThrow('enrich: cache.missTtlMs must be above 0 (got 0)')
  })
})
