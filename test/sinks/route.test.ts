import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../../src/core/Failure.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { route } from '../../src/sinks/route.js'
import { toArray } from '../../src/sinks/toArray.js'
import { testScheduler } from '../../src/testing/testScheduler.js'
import { expectBalanced, settle } from '../support/ledger.js'

interface Deal {
  readonly id: number
  readonly region: string
}
const deals: Deal[] = [
  { id: 1, region: 'emea' },
  { id: 2, region: 'amer' },
  { id: 3, region: 'apac' },
  { id: 4, region: 'emea' },
]

function expectGraphBalanced(report: RunReport & { branches: Record<string, RunReport> }): void {
  expectBalanced(report)
  for (const branch of Object.values(report.branches)) expectBalanced(branch)
}

describe('route', () => {
  it('sends each record to the one branch its key names', async () => {
    const report = await pipe(
      fromGenerator(deals),
      route((deal: Deal) => deal.region, { emea: toArray(), amer: toArray() }),
    )
    expect(report.branches.emea['records']).toEqual([deals[0], deals[3]])
    expect(report.branches.amer['records']).toEqual([deals[1]])
    expect(report.read).toBe(4)
    expect(report.written).toBe(3)
    expect(report.droppedByReason).toEqual({ unrouted: 1 })
    expectGraphBalanced(report)
  })

  it('sends records no branch takes to otherwise', async () => {
    const report = await pipe(
      fromGenerator(deals),
      route((deal: Deal) => deal.region, { emea: toArray() }, { otherwise: toArray() }),
    )
    expect(report.branches.otherwise['records']).toEqual([deals[1], deals[2]])
    expect(report.branches.emea.read + report.branches.otherwise.read).toBe(report.read)
    expect(report.dropped).toBe(0)
    expectGraphBalanced(report)
  })

  it('makes a record whose key function throws a failure under the run policy', async () => {
    const letters: unknown[] = []
    const report = await pipe(
      fromGenerator(deals),
      deadLetter(toArray()),
      route(
        (deal: Deal) => {
          if (deal.id === 2) throw new Error('no region')
          return deal.region
        },
        { emea: toArray(), apac: toArray() },
      ),
    )
    letters.push(...((report.deadLetter?.['records'] as unknown[]) ?? []))
    expect(report.failed).toBe(1)
    expect(report.failures[0]?.message).toMatch(/no region/)
    expect(letters).toHaveLength(1)
    expectGraphBalanced(report)
  })

  it('names the branch of a failure inside it', async () => {
    const report = await pipe(
      fromGenerator(deals),
      route((deal: Deal) => deal.region, {
        emea: (flow) =>
          pipe(
            flow,
            map((deal: Deal) => {
              if (deal.id === 4) throw new Error('closed account')
              return deal
            }),
            toArray(),
          ),
        amer: toArray(),
        apac: toArray(),
      }),
    )
    expect(report.branches.emea.failed).toBe(1)
    expect(report.failures[0]?.details?.['branch']).toBe('emea')
    expectGraphBalanced(report)
  })

  it('refuses no branches, and a branch named otherwise beside the option', () => {
    expect(() => route(() => 'x', {})).toThrow(/at least one branch/)
    expect(() => route(() => 'x', { otherwise: toArray() }, { otherwise: toArray() })).toThrow(
      /clash/,
    )
  })
})

describe('route, in marbles', () => {
  const values = { a: right(1), b: right(2), c: right(3) }
  const parity = route((n: number) => (n % 2 === 0 ? 'even' : 'odd'), {
    even: toArray(),
    odd: toArray(),
  })

  it('subscribes to an empty input once and completes', async () => {
    let result: ReturnType<typeof settle> | undefined
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('|')
      result = settle(parity(input))
      expectSubscriptions(input.subscriptions).toBe('(^!)')
    })
    const { report } = await (result as ReturnType<typeof settle>)
    expect(report.status).toBe('completed')
  })

  it('routes one and many records as they arrive', async () => {
    let result: ReturnType<typeof settle> | undefined
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('-a-b--c|', values)
      result = settle(parity(input))
      expectSubscriptions(input.subscriptions).toBe('^------!')
    })
    const { report } = await (result as ReturnType<typeof settle>)
    const branches = (report as RunReport & { branches: Record<string, RunReport> }).branches
    expect(branches['odd']?.['records']).toEqual([1, 3])
    expect(branches['even']?.['records']).toEqual([2])
  })

  it('unsubscribes on an error of the input, and on an abort', async () => {
    let errored: ReturnType<typeof settle> | undefined
    let aborted: ReturnType<typeof settle> | undefined
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('-a-#', values)
      errored = settle(parity(input))
      expectSubscriptions(input.subscriptions).toBe('^--!')
    })
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const controller = new AbortController()
      const input = cold<Either<Failure, number>>('-a-b-c-|', values)
      aborted = settle(
        pipe(
          input,
          route(() => 'x', { x: toArray() }, { signal: controller.signal }),
        ),
      )
      cold('--a').subscribe(() => controller.abort())
      expectSubscriptions(input.subscriptions).toBe('^-!')
    })
    expect((await (errored as ReturnType<typeof settle>)).report.status).toBe('failed')
    const stopped = (await (aborted as ReturnType<typeof settle>)).report
    expect(stopped.status).toBe('aborted')
    expectGraphBalanced(stopped as RunReport & { branches: Record<string, RunReport> })
  })
})
