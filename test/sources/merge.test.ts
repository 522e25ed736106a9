import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../../src/core/Failure.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { merge } from '../../src/sources/merge.js'
import { map } from '../../src/operators/map.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { toArray } from '../../src/sinks/toArray.js'
import { testScheduler } from '../../src/testing/testScheduler.js'
import { expectBalanced } from '../support/ledger.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-merge-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('merge', () => {
  it('reads every source, counts read per source, and failures keep their file and line', async () => {
    const a = join(dir, 'a.csv')
    const b = join(dir, 'b.csv')
    await writeFile(a, 'id\n1\n2\n')
    await writeFile(b, 'id\n3\nbad\n4\n')
    const report = await pipe(
      merge(fromCsv(a), fromCsv(b)),
      map((row: Record<string, string>) => {
        if (row['id'] === 'bad') throw new Error('not a number')
        return Number(row['id'])
      }),
      toArray(),
    )
    expect([...report.records].sort()).toEqual([1, 2, 3, 4])
    expect(report.read).toBe(5)
    const sources = report['sources'] as Record<string, { read: number }>
    expect(Object.values(sources).map((source) => source.read)).toEqual([2, 3])
    expect(report.failures[0]?.location?.file).toBe(b)
    expect(report.failures[0]?.location?.line).toBe(3)
    expectBalanced(report)
  })

  it('lets each source read only while the run has budget', async () => {
    const slow = defineSink<number>({
      name: 'slow',
      batchSize: 4,
      write: () => new Promise((resolve) => setTimeout(resolve, 1)),
    })
    const many = (from: number) => Array.from({ length: 200 }, (_, index) => from + index)
    const report = await pipe(
      merge(fromGenerator(many(0), { name: 'low' }), fromGenerator(many(1000), { name: 'high' })),
      slow({ highWaterMark: 16 }),
    )
    expect(report.written).toBe(400)
    // Woken together when budget frees, each waiting source may send one record: hwm + sources - 1.
    expect(report.maxInFlight).toBeLessThanOrEqual(16 + 1)
    expect(report['sources']).toEqual({ low: { read: 200 }, high: { read: 200 } })
  })

  it('refuses no sources', () => {
    expect(() => merge()).toThrow(/at least one source/)
  })
})

describe('merge, in marbles', () => {
  const values = { a: right(1), b: right(2), c: right(3), d: right(4) }

  it('interleaves as records arrive: empty, one, many; completes when all complete', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = cold<Either<Failure, number>>('|')
      expectObservable(merge(empty, empty)).toBe('|')
      const one = cold<Either<Failure, number>>('-a|', values)
      const many = cold<Either<Failure, number>>('--b-c---|', values)
      expectObservable(merge(one, many)).toBe('-ab-c---|', values)
      expectSubscriptions(many.subscriptions).toBe('^-------!')
    })
  })

  it('errors when an input errors, unsubscribing the others', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold<Either<Failure, number>>('-a-#', values)
      const endless = cold<Either<Failure, number>>('--b--c--d', values)
      expectObservable(merge(failing, endless)).toBe('-ab#', values)
      expectSubscriptions(endless.subscriptions).toBe('^--!')
    })
  })

  it('unsubscribes every input when unsubscribed early', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold<Either<Failure, number>>('-a-b-c|', values)
      const second = cold<Either<Failure, number>>('--d----|', values)
      expectObservable(merge(first, second), '^--!').toBe('-ad', values)
      expectSubscriptions(first.subscriptions).toBe('^--!')
      expectSubscriptions(second.subscriptions).toBe('^--!')
    })
  })
})
