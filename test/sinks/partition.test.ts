import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../../src/core/Failure.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { partition } from '../../src/sinks/partition.js'
import { toArray } from '../../src/sinks/toArray.js'
import { testScheduler } from '../../src/testing/testScheduler.js'
import { expectBalanced, settle } from '../support/ledger.js'

describe('partition', () => {
  it('sends each record to yes or no, as Array.filter and its complement would', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 50 }), async (numbers) => {
        const even = (n: number) => n % 2 === 0
        const report = await pipe(
          fromGenerator(numbers),
          partition(even, { yes: toArray(), no: toArray() }),
        )
        expect(report.branches.yes['records']).toEqual(numbers.filter(even))
        expect(report.branches.no['records']).toEqual(numbers.filter((n) => !even(n)))
        expect(report.branches.yes.read + report.branches.no.read).toBe(report.read)
        expectBalanced(report)
        expectBalanced(report.branches.yes)
        expectBalanced(report.branches.no)
      }),
      { numRuns: 30 },
    )
  })

  it('makes a record whose predicate throws a failure', async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      partition(
        (n: number) => {
          if (n === 2) throw new Error('two')
          return n > 1
        },
        { yes: toArray(), no: toArray() },
      ),
    )
    expect(report.failed).toBe(1)
    expect(report.branches.yes.read + report.branches.no.read).toBe(2)
    expectBalanced(report)
  })
})

describe('partition, in marbles', () => {
  const sink = partition((n: number) => n > 1, { yes: toArray(), no: toArray() })

  it('subscribes once: empty, one, many, error', async () => {
    const results: Array<ReturnType<typeof settle>> = []
    for (const [marbles, subscription] of [
      ['|', '(^!)'],
      ['-a|', '^-!'],
      ['-a-b-c|', '^-----!'],
      ['-a-#', '^--!'],
    ] as const)
      testScheduler().run(({ cold, expectSubscriptions }) => {
        const input = cold<Either<Failure, number>>(marbles, {
          a: right(1),
          b: right(2),
          c: right(3),
        })
        results.push(settle(sink(input)))
        expectSubscriptions(input.subscriptions).toBe(subscription)
      })
    const reports = await Promise.all(results)
    expect(reports.map(({ report }) => report.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'failed',
    ])
    expect(reports.map(({ report }) => report.read)).toEqual([0, 1, 3, 1])
  })

  it('unsubscribes early when the run is aborted', async () => {
    let result: ReturnType<typeof settle> | undefined
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const controller = new AbortController()
      const input = cold<Either<Failure, number>>('-a-b-c|', {
        a: right(1),
        b: right(2),
        c: right(3),
      })
      result = settle(
        pipe(
          input,
          partition(
            (n: number) => n > 1,
            { yes: toArray(), no: toArray() },
            { signal: controller.signal },
          ),
        ),
      )
      cold('---a').subscribe(() => controller.abort())
      expectSubscriptions(input.subscriptions).toBe('^--!')
    })
    const { report } = await (result as ReturnType<typeof settle>)
    expect(report.status).toBe('aborted')
    expectBalanced(report)
  })
})
