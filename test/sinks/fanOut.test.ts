import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import type { RunReport } from '../../src/core/RunReport.js'
import type { Branch } from '../../src/core/Branch.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { collect } from '../../src/policies/collect.js'
import { failFast } from '../../src/policies/failFast.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { fanOut } from '../../src/sinks/fanOut.js'
import { toArray } from '../../src/sinks/toArray.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toJson } from '../../src/sinks/toJson.js'
import { testScheduler } from '../../src/testing/testScheduler.js'
import { expectBalanced, readDeadLetters, rejection, settle } from '../support/ledger.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-fanout-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const rows = (n: number) => Array.from({ length: n }, (_, id) => ({ id }))

/** Every report of the graph adds up, the top level and each branch on its own. */
function expectGraphBalanced(report: RunReport & { branches: Record<string, RunReport> }): void {
  expectBalanced(report)
  for (const branch of Object.values(report.branches)) expectBalanced(branch)
}

describe('fanOut', () => {
  it('sends every record to every branch, each branch with its own operators', async () => {
    const report = await pipe(
      fromGenerator(rows(10)),
      fanOut({
        all: toArray(),
        even: (flow) =>
          pipe(
            flow,
            filter((row: { id: number }) => row.id % 2 === 0),
            toArray(),
          ),
      }),
    )
    expect(report.status).toBe('completed')
    expect(report.read).toBe(10)
    expect(report.written).toBe(10)
    expect(report.branches.all.read).toBe(10)
    expect(report.branches.all.written).toBe(10)
    expect(report.branches.even.written).toBe(5)
    expect(report.branches.even.droppedByReason).toEqual({ filtered: 5 })
    expect((report.branches.even['records'] as Array<{ id: number }>).map((r) => r.id)).toEqual([
      0, 2, 4, 6, 8,
    ])
    expectGraphBalanced(report)
  })

  it('releases a record only when the slowest branch settled it: read-ahead stays within highWaterMark', async () => {
    const highWaterMark = 20
    let arrived = 0
    let slowWritten = 0
    let worstLead = 0
    const slow = defineSink<{ id: number }>({
      name: 'slow',
      batchSize: 5,
      async write(batch) {
        worstLead = Math.max(worstLead, arrived - slowWritten)
        await new Promise((resolve) => setTimeout(resolve, 1))
        slowWritten += batch.length
      },
    })
    const report = await pipe(
      fromGenerator(rows(300)),
      fanOut(
        {
          fast: (flow) =>
            pipe(
              flow,
              map((row: { id: number }) => {
                arrived += 1
                return row
              }),
              toArray(),
            ),
          slow: slow(),
        },
        { highWaterMark },
      ),
    )
    expect(report.written).toBe(300)
    expect(report.maxInFlight).toBeLessThanOrEqual(highWaterMark)
    expect(worstLead).toBeLessThanOrEqual(highWaterMark + 1)
    expect(report.branches.fast.written).toBe(300)
    expect(report.branches.slow.written).toBe(300)
    expectGraphBalanced(report)
  })

  it('stops every branch on failFast, and no branch leaves a half-written file', async () => {
    const csv = join(dir, 'all.csv')
    const error = await rejection(
      pipe(
        fromGenerator(rows(500)),
        failFast(),
        fanOut(
          {
            csv: toCsv(csv),
            checked: (flow) =>
              pipe(
                flow,
                map((row: { id: number }) => {
                  if (row.id === 250) throw new Error('bad row 250')
                  return row
                }),
                toJson(join(dir, 'checked.json')),
              ),
          },
          { highWaterMark: 16 },
        ),
      ),
    )
    expect(error.message).toMatch(/bad row 250/)
    const report = error.report as RunReport & { branches: Record<string, RunReport> }
    expect(report.status).toBe('failed')
    expect(report.branches['csv']?.status).toBe('failed')
    expect(report.branches['checked']?.failed).toBe(1)
    expect(await readdir(dir)).toEqual([])
    expectGraphBalanced(report)
  })

  it('applies one policy across branches: dead letters name their branch, maxFailures counts them all', async () => {
    const letters = join(dir, 'dead.ndjson')
    const throwsOn = (id: number) =>
      map((row: { id: number }) => {
        if (row.id === id) throw new Error(`no ${id}`)
        return row
      })
    const report = await pipe(
      fromGenerator(rows(6)),
      deadLetter(toJson(letters, { format: 'ndjson' })),
      fanOut({
        a: (flow) => pipe(flow, throwsOn(1), toArray()),
        b: (flow) => pipe(flow, throwsOn(4), toArray()),
      }),
    )
    expect(report.branches.a.failed).toBe(1)
    expect(report.branches.b.failed).toBe(1)
    const dead = await readDeadLetters(letters)
    expect(dead.map((letter) => letter.details?.['branch']).sort()).toEqual(['a', 'b'])
    expect(report.failures.map((f) => f.details?.['branch']).sort()).toEqual(['a', 'b'])
    expectGraphBalanced(report)

    const stopped = await rejection(
      pipe(
        fromGenerator(rows(6)),
        collect({ maxFailures: 1 }),
        fanOut({
          a: (flow) => pipe(flow, throwsOn(1), toArray()),
          b: (flow) => pipe(flow, throwsOn(2), toArray()),
        }),
      ),
    )
    expect(stopped.message).toMatch(/more than 1 failures/)
  })

  it('refuses a branch with a policy of its own', async () => {
    const error = await rejection(
      pipe(fromGenerator(rows(3)), fanOut({ a: (flow) => pipe(flow, failFast(), toArray()) })),
    )
    expect(error.message).toMatch(/a branch has no failure policy of its own/)
  })

  it('fails the run, naming the branch, when a branch is not a sink', async () => {
    const error = await rejection(
      pipe(
        fromGenerator(rows(3)),
        fanOut({ broken: (() => 42) as unknown as () => Promise<RunReport> }),
      ),
    )
    expect(error.message).toMatch(/branch broken/)
  })

  it('adds up, at the top and in every branch, under every ending', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { maxLength: 60 }),
        fc.constantFrom('completed', 'failFast', 'maxFailures', 'abort'),
        fc.integer({ min: 1, max: 3 }),
        async (bad, ending, branchCount) => {
          const controller = new AbortController()
          const records = bad.map((isBad, id) => ({ id, isBad }))
          const policy =
            ending === 'failFast'
              ? failFast()
              : collect(ending === 'maxFailures' ? { maxFailures: 2 } : {})
          const branches: Record<string, Branch<{ id: number; isBad: boolean }>> = {}
          for (let index = 0; index < branchCount; index++)
            branches[`b${index}`] = (flow) =>
              pipe(
                flow,
                map((row: { id: number; isBad: boolean }) => {
                  if (row.isBad && index === 0 && ending !== 'completed')
                    throw new Error(`bad ${row.id}`)
                  if (ending === 'abort' && row.id === 20) controller.abort()
                  return row
                }),
                toArray(),
              )
          const { report } = await settle(
            pipe(
              fromGenerator(records),
              policy,
              fanOut(branches, { highWaterMark: 8, signal: controller.signal }),
            ),
          )
          const graph = report as RunReport & { branches: Record<string, RunReport> }
          expectGraphBalanced(graph)
          expect(graph.read).toBeLessThanOrEqual(records.length)
          if (graph.status === 'completed') {
            expect(graph.read).toBe(records.length)
            expect(graph.written).toBe(records.length)
            for (const branch of Object.values(graph.branches))
              expect(branch.read).toBe(records.length)
          }
          for (const branch of Object.values(graph.branches))
            expect(branch.read).toBeLessThanOrEqual(graph.read)
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('fanOut, in marbles', () => {
  /** Runs the marbles through a two-branch fanOut in virtual time; the report settles after. */
  const run = (
    marbles: string,
    values: Record<string, Either<Failure, number>>,
    abortAt?: number,
  ): { result: ReturnType<typeof settle> } => {
    let result: ReturnType<typeof settle> | undefined
    testScheduler().run(({ cold, flush }) => {
      const controller = new AbortController()
      const input = cold<Either<Failure, number>>(marbles, values)
      result = settle(
        pipe(input, fanOut({ a: toArray(), b: toArray() }, { signal: controller.signal })),
      )
      if (abortAt !== undefined) cold(`${'-'.repeat(abortAt)}a`).subscribe(() => controller.abort())
      flush()
    })
    return { result: result as ReturnType<typeof settle> }
  }

  it('subscribes once and completes an empty input with empty branches', async () => {
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('|')
      void settle(pipe(input, fanOut({ a: toArray() })))
      expectSubscriptions(input.subscriptions).toBe('(^!)')
    })
    const { result } = run('|', {})
    const { report } = await result
    expect(report.status).toBe('completed')
    expect(
      (report as RunReport & { branches: Record<string, RunReport> }).branches['a']?.read,
    ).toBe(0)
  })

  it('hands one and many records to every branch as they arrive', async () => {
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('-a--b-c-|', {
        a: right(1),
        b: right(2),
        c: right(3),
      })
      void settle(pipe(input, fanOut({ a: toArray(), b: toArray() })))
      expectSubscriptions(input.subscriptions).toBe('^-------!')
    })
    const { report } = await run('-a--b-c-|', { a: right(1), b: right(2), c: right(3) }).result
    const branches = (report as RunReport & { branches: Record<string, RunReport> }).branches
    expect(branches['a']?.['records']).toEqual([1, 2, 3])
    expect(branches['b']?.['records']).toEqual([1, 2, 3])
  })

  it('counts a failure before the branches once, at the top', async () => {
    const bad = failure('ParseError', { stage: 'source', reason: 'garbled' })
    const { report } = await run('-a-x-|', { a: right(1), x: left(bad) }).result
    expect(report.failed).toBe(1)
    expect(report.written).toBe(1)
  })

  it('stops every branch on an error of the input', async () => {
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('-a-#', { a: right(1) })
      void settle(pipe(input, fanOut({ a: toArray() })))
      expectSubscriptions(input.subscriptions).toBe('^--!')
    })
    const { report, error } = await run('-a-#', { a: right(1) }).result
    expect(error).toBeDefined()
    const branches = (report as RunReport & { branches: Record<string, RunReport> }).branches
    expect(branches['a']?.status).toBe('failed')
  })

  it('unsubscribes from its input early when the run is aborted', async () => {
    testScheduler().run(({ cold, expectSubscriptions }) => {
      const controller = new AbortController()
      const input = cold<Either<Failure, number>>('-a-b-c-d-|', {
        a: right(1),
        b: right(2),
        c: right(3),
        d: right(4),
      })
      void settle(pipe(input, fanOut({ a: toArray() }, { signal: controller.signal })))
      cold('----a').subscribe(() => controller.abort())
      expectSubscriptions(input.subscriptions).toBe('^---!')
    })
    const { report } = await run(
      '-a-b-c-d-|',
      { a: right(1), b: right(2), c: right(3), d: right(4) },
      4,
    ).result
    expect(report.status).toBe('aborted')
    expectGraphBalanced(report as RunReport & { branches: Record<string, RunReport> })
  })
})
