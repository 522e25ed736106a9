import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../../src/core/Failure.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { concat } from '../../src/sources/concat.js'
import { toArray } from '../../src/sinks/toArray.js'
import { testScheduler } from '../../src/testing/testScheduler.js'
import { expectBalanced } from '../support/ledger.js'

describe('concat', () => {
  it('reads the sources one after another and counts read per source', async () => {
    const report = await pipe(
      concat(
        fromGenerator([1, 2], { name: 'first' }),
        fromGenerator([3, 4, 5], { name: 'second' }),
      ),
      toArray({ highWaterMark: 2 }),
    )
    expect(report.records).toEqual([1, 2, 3, 4, 5])
    expect(report['sources']).toEqual({ first: { read: 2 }, second: { read: 3 } })
    expect(report.maxInFlight).toBeLessThanOrEqual(2)
    expectBalanced(report)
  })
})

describe('concat, in marbles', () => {
  const values = { a: right(1), b: right(2), c: right(3) }

  it('subscribes to the next input when the one before completes: empty, one, many', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<Either<Failure, number>>('|')
      expectObservable(concat(empty)).toBe('|')
      const one = cold<Either<Failure, number>>('-a|', values)
      const many = cold<Either<Failure, number>>('-b-c|', values)
      expectObservable(concat(one, many)).toBe('-a-b-c|', values)
      expectSubscriptions(many.subscriptions).toBe('--^---!')
    })
  })

  it('errors when an input errors, and never subscribes to the ones after', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold<Either<Failure, number>>('-a#', values)
      const after = cold<Either<Failure, number>>('-b|', values)
      expectObservable(concat(failing, after)).toBe('-a#', values)
      expectSubscriptions(after.subscriptions).toBe([])
    })
  })

  it('unsubscribes the input being read when unsubscribed early', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold<Either<Failure, number>>('-a|', values)
      const second = cold<Either<Failure, number>>('-b-c|', values)
      expectObservable(concat(first, second), '^---!').toBe('-a-b', values)
      expectSubscriptions(second.subscriptions).toBe('--^-!')
    })
  })
})
