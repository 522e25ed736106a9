import { pipe } from 'fp-ts/lib/function.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { take, tap } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { failure } from '../../src/core/Failure.js'
import { stageOperator, type StageApi } from '../../src/internal/stageOperator.js'
import { rx } from '../../src/operators/rx.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { fromEithers } from '../../src/testing/fromEithers.js'
import { expectBalanced } from '../support/ledger.js'

/** A stage that doubles each number, emitting through the api. */
const double = stageOperator<number, number>('double', (api) => ({
  next: (value) => api.emit(value * 2),
}))

describe('stageOperator', () => {
  it('emits what the handler emits and counts it, and the report adds up', async () => {
    const report = await pipe(fromGenerator([1, 2, 3]), double, toArray())
    expect(report.records).toEqual([2, 4, 6])
    expect(report.stages.find((stage) => stage.name === 'double')).toMatchObject({
      in: 3,
      out: 3,
      failed: 0,
    })
    expectBalanced(report)
  })

  it('passes failures from upstream through untouched and in order, not counting them', async () => {
    const upstream = failure('ParseError', { stage: 'source', reason: 'bad row' })
    const seen: unknown[] = []
    const report = await pipe(
      fromEithers([right(1), left(upstream), right(2)]),
      double,
      (flow) => flow.pipe(tap((value) => seen.push(value))),
      toArray(),
    )
    expect(seen).toEqual([right(2), left(upstream), right(4)])
    expect(report.stages.find((stage) => stage.name === 'double')).toMatchObject({
      in: 2,
      out: 2,
      failed: 0,
    })
    expect(report.failures).toEqual([upstream])
    expectBalanced(report)
  })

  it('turns a throw of the handler into a TransformError for that record, and goes on', async () => {
    const picky = stageOperator<number, number>('picky', (api) => ({
      next(value) {
        if (value === 2) throw new Error('no twos')
        api.emit(value)
      },
    }))
    const report = await pipe(fromGenerator([1, 2, 3]), picky, toArray())
    expect(report.records).toEqual([1, 3])
    expect(report.failures).toEqual([
      expect.objectContaining({
        _tag: 'TransformError',
        stage: 'picky',
        record: 2,
        message: expect.stringContaining('no twos'),
      }),
    ])
    expect(report.stages.find((stage) => stage.name === 'picky')).toMatchObject({
      in: 3,
      out: 2,
      failed: 1,
    })
    expectBalanced(report)
  })

  it('awaits complete, which may emit what the stage held, before completing', async () => {
    const holdAll = stageOperator<number, number[]>('holdAll', (api) => {
      const held: number[] = []
      return {
        next(value) {
          held.push(value)
          api.merge()
        },
        async complete() {
          await new Promise((resolve) => setTimeout(resolve, 5))
          api.create()
          api.emit(held)
        },
      }
    })
    const report = await pipe(fromGenerator([1, 2, 3]), holdAll, toArray())
    expect(report.records).toEqual([[1, 2, 3]])
    expect(report).toMatchObject({ read: 3, merged: 3, created: 1, written: 1 })
    expectBalanced(report)
  })

  it('errors the run, naming the stage once, when complete throws or rejects', async () => {
    const throwing = stageOperator<number, number>('ender', () => ({
      next: () => undefined,
      complete() {
        throw new Error('cannot flush')
      },
    }))
    const rejecting = stageOperator<number, number>('ender', (api) => ({
      next: () => api.drop('unused'),
      complete: () => Promise.reject(new Error('ender: already named')),
    }))
    await expect(pipe(fromGenerator<number>([]), throwing, toArray())).rejects.toThrow(
      'ender: cannot flush',
    )
    const error: unknown = await pipe(fromGenerator([1]), rejecting, toArray()).then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect((error as Error).message).toMatch(/^ender: already named/)
    expect((error as Error).message).not.toContain('ender: ender:')
  })

  it('tears down once on early unsubscribe, and its verbs are closed after', async () => {
    let api: StageApi<number> | undefined
    let tornDown = 0
    const keeper = stageOperator<number, number>('keeper', (given) => {
      api = given
      return {
        next: (value) => given.emit(value),
        teardown: () => {
          tornDown++
        },
      }
    })
    const report = await pipe(fromGenerator([1, 2, 3, 4]), keeper, rx(take(1)), toArray())
    expect(tornDown).toBe(1)
    // Late calls (a timer the stage forgot) neither throw nor reach the finished run.
    api?.emit(9)
    api?.fail(failure('TransformError', { stage: 'keeper', reason: 'late' }))
    api?.drop('late')
    expect(api?.isClosed()).toBe(true)
    expect(report.records).toEqual([1])
    expectBalanced(report)
  })

  it('places failures about a one-to-one stage output where the source record came from', async () => {
    const failing = stageOperator<{ id: string }, never>('check', (api) => ({
      next: (record) => api.fail(api.failure('ValidationError', { reason: 'bad id', record })),
    }))
    const through = (oneToOne: boolean) =>
      stageOperator<Record<string, string>, { id: string }>(
        'reshape',
        (api) => ({ next: (record) => api.emit({ id: String(record['id']) }) }),
        { oneToOne },
      )
    const locations = async (oneToOne: boolean): Promise<unknown[]> => {
      const report = await pipe(
        fromCsv({ text: 'id\na\nb\n' }),
        through(oneToOne),
        failing,
        toArray(),
      )
      expectBalanced(report)
      return report.failures.map((each) => each.location)
    }
    expect(await locations(true)).toEqual([
      expect.objectContaining({ line: 2, row: 1 }),
      expect.objectContaining({ line: 3, row: 2 }),
    ])
    expect(
      (await locations(false)).every(
        (location) => (location as { line?: number } | undefined)?.line === undefined,
      ),
    ).toBe(true)
  })
})
