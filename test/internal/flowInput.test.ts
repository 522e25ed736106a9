import { describe, expect, it } from 'vitest'
import { Subject, merge, of } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import type { Flow } from '../../src/core/Flow.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { filter } from '../../src/operators/filter.js'
import { enrich } from '../../src/operators/enrich.js'
import { failFast } from '../../src/policies/failFast.js'
import { toArray } from '../../src/sinks/toArray.js'
import { expectBalanced, rejection } from '../support/ledger.js'

const bad = failure('ParseError', { stage: 'outside', reason: 'bad row' })

describe('records that enter a run from plain rxjs', () => {
  it('are counted as read where they enter: of(right, right, left) adds up', async () => {
    const report = await pipe(
      of(right(1), right(2), left(bad)) as Flow<number>,
      map((n: number) => n * 10),
      filter((n: number) => n > 10),
      toArray(),
    )
    expect(report.records).toEqual([20])
    expect(report).toMatchObject({ read: 3, written: 1, dropped: 1, failed: 1 })
    expect(report.failures.filter((f) => f._tag === 'LedgerWarning')).toEqual([])
    expect(report.stages[0]).toMatchObject({ kind: 'source', in: 3, out: 2, failed: 1 })
    expectBalanced(report)
  })

  it('are counted from a Subject of Eithers', async () => {
    const subject = new Subject<Either<Failure, number>>()
    const done = pipe(
      subject as Flow<number>,
      map((n: number) => n + 1),
      toArray(),
    )
    subject.next(right(1))
    subject.next(left(bad))
    subject.next(right(3))
    subject.complete()
    const report = await done
    expect(report.records).toEqual([2, 4])
    expect(report).toMatchObject({ read: 3, written: 2, failed: 1 })
    expectBalanced(report)
  })

  it('are counted when a plain source is merged into a PowerFlow one, and not twice', async () => {
    const report = await pipe(
      merge(fromGenerator([1, 2, 3]), of(right(10), right(20))) as Flow<number>,
      map((n: number) => n * 2),
      toArray(),
    )
    expect([...report.records].sort((a, b) => a - b)).toEqual([2, 4, 6, 20, 40])
    expect(report.read).toBe(5)
    expectBalanced(report)
  })

  it('are counted straight into a sink and through a policy', async () => {
    const report = await pipe(of(right(1), right(2)) as Flow<number>, toArray())
    expect(report).toMatchObject({ read: 2, written: 2 })
    const policed = await pipe(of(right(1), right(2)) as Flow<number>, failFast(), toArray())
    expect(policed).toMatchObject({ read: 2, written: 2 })
    expectBalanced(policed)
  })

  it('leave records a PowerFlow source read through a plain 1:1 rxjs stretch counted once', async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      (input: Flow<number>) => input.pipe((source) => source),
      map((n: number) => n),
      toArray(),
    )
    expect(report.read).toBe(3)
    expectBalanced(report)
  })
})

describe('records that enter where no stage counted them', () => {
  // enrich used to subscribe to its input without counting entries (the records were counted as
  // read only at the end, with a LedgerWarning); it now stands on the same machinery as every
  // operator, so they are counted where they enter. The warning itself: test/internal/run/buildReport.test.ts.
  it('are counted as read where they enter enrich, as at any stage, with no warning', async () => {
    const report = await pipe(
      of(right({ id: 1 }), right({ id: 2 })) as Flow<{ id: number }>,
      enrich(async () => ({ seen: true })),
      toArray(),
    )
    expect(report.written).toBe(2)
    expect(report.read).toBe(2)
    expect(report.stages.find((stage) => stage.name === 'rxjs input of enrich')).toMatchObject({
      kind: 'source',
      in: 2,
      out: 2,
    })
    expect(report.failures.filter((f) => f._tag === 'LedgerWarning')).toEqual([])
    expectBalanced(report)
  })
})

describe('an operator given something that is not an Either', () => {
  it('fails loudly, saying to wrap the source with fromObservable', async () => {
    const subject = new Subject<number>()
    const errors: unknown[] = []
    const values: unknown[] = []
    ;(subject as unknown as Flow<number>).pipe(map((n: number) => n * 2)).subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => errors.push(error),
    })
    subject.next(2)
    expect(values).toEqual([])
    expect(errors).toHaveLength(1)
    expect(String((errors[0] as Error).message)).toMatch(
      /^map: received 2, which is not an Either .*fromObservable/,
    )
  })

  it('fails a run the same way, filter included', async () => {
    const error = await rejection(
      pipe(
        of(1, 2) as unknown as Flow<number>,
        filter((n: number) => n > 1),
        toArray(),
      ),
    )
    expect(error.message).toContain('filter: received 1, which is not an Either')
    expect(error.message).toContain('fromObservable')
  })
})
