import fc from 'fast-check'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { filter } from '../../src/operators/filter.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import type { Flow } from '../../src/core/Flow.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'

describe('filter', () => {
  it('keeps the operator laws against Array.prototype.filter', async () => {
    await expectOperatorLaws(
      filter((n: number, index) => n % 3 !== 0 && index !== 1),
      {
        input: fc.integer(),
        model: (records) => records.filter((n, index) => n % 3 !== 0 && index !== 1),
      },
    )
  })

  it('counts what it rejects as dropped, reason filtered, under its own name', async () => {
    const report = await pipe(
      fromGenerator([{ won: true }, { won: false }, { won: false }]),
      filter((deal) => deal.won, { name: 'Filter won' }),
      toArray(),
    )
    expect(report.records).toEqual([{ won: true }])
    expect(report.droppedByReason).toEqual({ filtered: 2 })
    expect(report.stages.map((stage) => stage.name)).toEqual([
      'fromGenerator',
      'Filter won',
      'toArray',
    ])
  })

  it('narrows the record type with a type guard', () => {
    type Deal = { stage: 'won' | 'lost' }
    const op = filter((deal: Deal): deal is { stage: 'won' } => deal.stage === 'won')
    expectTypeOf(op).returns.toEqualTypeOf<Flow<{ stage: 'won' }>>()
  })
})
