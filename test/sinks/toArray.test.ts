import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Observable } from 'rxjs'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { defineSource } from '../../src/sources/defineSource.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/sinks/toArray.js'
import { failFast } from '../../src/policies/failFast.js'
import { fromEithers } from '../../src/testing/fromEithers.js'
import { expectBalanced, rejection } from '../support/ledger.js'

describe('toArray', () => {
  it('resolves with every record, in order, and a report whose books balance', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue()),
        fc.integer({ min: 1, max: 20 }),
        async (input, highWaterMark) => {
          const report = await pipe(fromGenerator(input), toArray({ highWaterMark }))
          expect(report.records).toEqual(input)
          expect(report.status).toBe('completed')
          expect(report.read).toBe(input.length)
          expect(report.written).toBe(input.length)
          expectBalanced(report)
        },
      ),
    )
  })

  it('keeps failures out of the records and in the report', async () => {
    const bad = failure('ParseError', { stage: 'source', reason: 'not a number' })
    const input: Array<Either<Failure, number>> = [right(1), left(bad), right(2)]
    const report = await pipe(fromEithers(input), toArray())
    expect(report.records).toEqual([1, 2])
    expect(report.failed).toBe(1)
    expect(report.failures[0]).toBe(bad)
    expectBalanced(report)
  })

  it('completes with no records from an empty flow', async () => {
    const report = await pipe(fromGenerator<number>([]), toArray())
    expect(report.records).toEqual([])
    expect(report.status).toBe('completed')
    expectBalanced(report)
  })

  it('names its stage toArray, or stageName, in the report', async () => {
    const plain = await pipe(fromGenerator([1]), toArray())
    expect(plain.stages.map((stage) => stage.name)).toContain('toArray')
    const named = await pipe(fromGenerator([1]), toArray({ stageName: 'memory' }))
    expect(named.stages.map((stage) => stage.name)).toContain('memory')
  })

  it('rejects on fail-fast with the report, holding the records written before the failure', async () => {
    const error = await rejection(
      pipe(
        fromGenerator([1, 2, 3, 4]),
        map((n: number) => {
          if (n === 3) throw new Error('three')
          return n
        }),
        failFast(),
        toArray(),
      ),
    )
    expect(error.message).toBe('map: three')
    const report = error.report as RunReport & { records: number[] }
    expect(report.status).toBe('failed')
    expect(report.records).toEqual([1, 2])
    expectBalanced(report)
  })

  it('rejects at once with an AbortError when its signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(
      pipe(fromGenerator([1, 2, 3]), toArray({ signal: controller.signal })),
    )
    expect(error.name).toBe('AbortError')
    expect(error.report?.status).toBe('aborted')
    expectBalanced(error.report as RunReport)
  })

  it('releases the source when the sink unsubscribes', async () => {
    let closed = false
    let unsubscribed = false
    const source = defineSource({
      name: 'endless',
      async *open() {
        for (let n = 0; ; n++) yield n
      },
      close: () => {
        closed = true
      },
    })
    const plain = new Observable<Either<Failure, number>>((subscriber) => {
      const inner = source.subscribe(subscriber)
      return () => {
        unsubscribed = true
        inner.unsubscribe()
      }
    })
    const controller = new AbortController()
    const run = pipe(
      plain,
      map((n: number) => n),
      toArray({ signal: controller.signal }),
    )
    setTimeout(() => controller.abort(), 20)
    const error = await run.catch((caught: unknown) => caught as Error & { report?: RunReport })
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).name).toBe('AbortError')
    expect(unsubscribed).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(closed).toBe(true)
    const report = (error as { report: RunReport }).report
    expect(report.status).toBe('aborted')
    expectBalanced(report)
  })
})
