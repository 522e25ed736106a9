import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../../src/core/Failure.js'
import { testScheduler } from '../../src/testing/testScheduler.js'
import type { Flow } from '../../src/core/Flow.js'
import { failure } from '../../src/core/Failure.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromObservable } from '../../src/sources/fromObservable.js'
import { join } from '../../src/operators/join.js'
import { toArray } from '../../src/sinks/toArray.js'
import { expectBalanced, rejection } from '../support/ledger.js'
import { Observable, of } from 'rxjs'

interface Deal {
  readonly deal: string
  readonly AccountId?: string
}
interface Account {
  readonly Id?: string
  readonly Name: string
}

const accounts = (): Account[] => [
  { Id: 'A1', Name: 'Acme' },
  { Id: 'A2', Name: 'Globex' },
  { Id: 'A1', Name: 'Acme again' },
  { Name: 'no key' },
]
const deals: Deal[] = [
  { deal: 'D1', AccountId: 'A1' },
  { deal: 'D2', AccountId: 'A9' },
  { deal: 'D3' },
  { deal: 'D4', AccountId: 'A2' },
]

describe('join', () => {
  it('inner: merges the matched row, drops the rest, and counts both sides with reasons', async () => {
    const report = await pipe(
      fromGenerator(deals),
      join(fromGenerator(accounts()), { on: 'AccountId', otherOn: 'Id' }),
      toArray(),
    )
    expect(report.records).toEqual([
      { deal: 'D1', AccountId: 'A1', Id: 'A1', Name: 'Acme' },
      { deal: 'D4', AccountId: 'A2', Id: 'A2', Name: 'Globex' },
    ])
    expect(report.droppedByReason).toEqual({ unmatched: 2 })
    expect(report['joins']).toEqual([{ name: 'join', missingKey: 1, unmatched: 1 }])
    const build = (report['lookups'] as Array<{ droppedByReason: Record<string, number> }>)[0]
    expect(build?.droppedByReason).toEqual({ duplicate: 1, missingKey: 1 })
    expectBalanced(report)
  })

  it('left: keeps records without a match as they came, and nests rows under as', async () => {
    const report = await pipe(
      fromGenerator(deals),
      join(fromGenerator(accounts()), {
        on: 'AccountId',
        otherOn: 'Id',
        how: 'left',
        as: 'account',
      }),
      toArray(),
    )
    expect(report.records.map((record) => record.account?.Name)).toEqual([
      'Acme',
      undefined,
      undefined,
      'Globex',
    ])
    expect(report.written).toBe(4)
    expectBalanced(report)
  })

  it('agrees with a nested-loop join of arrays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ k: fc.integer({ min: 0, max: 5 }), v: fc.integer() }), {
          maxLength: 20,
        }),
        fc.array(fc.record({ k: fc.integer({ min: 0, max: 5 }), w: fc.integer() }), {
          maxLength: 8,
        }),
        async (left, right) => {
          const report = await pipe(
            fromGenerator(left),
            join(fromGenerator(right), { on: 'k' }),
            toArray(),
          )
          const expected = left.flatMap((record) => {
            const row = right.find((candidate) => candidate.k === record.k)
            return row === undefined ? [] : [{ ...record, ...row }]
          })
          expect(report.records).toEqual(expected)
          expectBalanced(report)
        },
      ),
      { numRuns: 30 },
    )
  })

  it('passes failures through in order', async () => {
    const bad = failure('ParseError', { stage: 'source', reason: 'garbled' })
    const input = of(right({ k: 1 }), left(bad), right({ k: 2 })) as Flow<{ k: number }>
    const report = await pipe(
      input,
      join(
        fromGenerator([
          { k: 1, w: 'x' },
          { k: 2, w: 'y' },
        ]),
        { on: 'k' },
      ),
      toArray(),
    )
    expect(report.records).toEqual([
      { k: 1, w: 'x' },
      { k: 2, w: 'y' },
    ])
    expect(report.failed).toBe(1)
    expect(report.failures[0]?.message).toMatch(/garbled/)
    expectBalanced(report)
  })

  it('fails the run when the build side cannot be loaded', async () => {
    const broken = fromObservable(
      new Observable<{ k: number }>((subscriber) => subscriber.error(new Error('disk gone'))),
    )
    const error = await rejection(
      pipe(fromGenerator([{ k: 1 }]), join(broken, { on: 'k' }), toArray()),
    )
    expect(error.message).toMatch(/join.*disk gone/)
  })

  it('refuses a key function without otherOn', () => {
    expect(() =>
      join(fromGenerator([{ k: 1 }]), { on: (record: { k: number }) => record.k }),
    ).toThrow(/otherOn/)
  })
})

describe('join, in marbles', () => {
  const table = () => fromGenerator([{ k: 1, w: 'x' }])
  const values = { a: right({ k: 1 }), b: right({ k: 2 }) }

  it('subscribes to its input at once, and passes an error on at its time', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold<Either<Failure, { k: number }>>('--#', values)
      expectObservable(join(table(), { on: 'k' })(input)).toBe('--#')
      expectSubscriptions(input.subscriptions).toBe('^-!')
    })
  })

  it('unsubscribes from its input when unsubscribed early', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold<Either<Failure, { k: number }>>('-a-b-|', values)
      expectObservable(join(table(), { on: 'k' })(input), '^--!').toBe('---')
      expectSubscriptions(input.subscriptions).toBe('^--!')
    })
  })

  it('joins empty, one and many inputs once the build side is loaded', async () => {
    for (const input of [[], [{ k: 1 }], [{ k: 1 }, { k: 2 }, { k: 1 }]]) {
      const report = await pipe(fromGenerator(input), join(table(), { on: 'k' }), toArray())
      expect(report.records).toEqual(input.filter((r) => r.k === 1).map(() => ({ k: 1, w: 'x' })))
    }
  })
})
