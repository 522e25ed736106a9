import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Subject, from, throwError, concat } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import { fromObservable } from '../../src/sources/fromObservable.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/sinks/toArray.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced } from '../support/ledger.js'

describe('fromObservable', () => {
  it('gives every value of the Observable as a record, in order, each counted as read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue()), async (input) => {
        const report = await pipe(fromObservable(from(input)), toArray())
        expect(report.records).toEqual(input)
        expect(report.read).toBe(input.length)
        expect(report.status).toBe('completed')
        expectBalanced(report)
      }),
    )
  })

  it('follows a Subject: records go through as they are pushed, and the run ends when it completes', async () => {
    const live = new Subject<number>()
    const run = pipe(
      fromObservable(live),
      map((n: number) => n * 2),
      toArray(),
    )
    live.next(1)
    live.next(2)
    live.complete()
    const report = await run
    expect(report.records).toEqual([2, 4])
    expect(report.read).toBe(2)
    expectBalanced(report)
  })

  it('names its stage fromObservable, or options.name', async () => {
    const plain = await pipe(fromObservable(from([1])), toArray())
    expect(plain.stages.map((stage) => stage.name)).toContain('fromObservable')
    const named = await pipe(fromObservable(from([1]), { name: 'clicks' }), toArray())
    expect(named.stages.map((stage) => stage.name)).toContain('clicks')
    expect(named.stages.find((stage) => stage.name === 'clicks')?.kind).toBe('source')
  })

  it('fails the run with the error of the Observable, the records before it written or dropped as aborted', async () => {
    const result = await runToArray(
      fromObservable(
        concat(
          from([1, 2]),
          throwError(() => new Error('socket closed')),
        ),
      ),
    )
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toContain('socket closed')
    expect(result.report.read).toBe(2)
    expect(result.report.written + (result.report.droppedByReason['aborted'] ?? 0)).toBe(2)
    expect(result.records).toEqual([1, 2].slice(0, result.report.written))
    expectBalanced(result.report)
  })

  it('unsubscribes from the Observable when the run is aborted', async () => {
    const live = new Subject<number>()
    const controller = new AbortController()
    const run = runToArray(fromObservable(live), { signal: controller.signal })
    live.next(1)
    expect(live.observed).toBe(true)
    controller.abort()
    const result = await run
    expect(result.report.status).toBe('aborted')
    expect(live.observed).toBe(false)
    expectBalanced(result.report)
  })
})
