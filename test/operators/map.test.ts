import fc from 'fast-check'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { map } from '../../src/operators/map.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import type { Flow } from '../../src/core/Flow.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'

describe('map', () => {
  it('keeps the operator laws against Array.prototype.map', async () => {
    await expectOperatorLaws(
      map((n: number, index) => ({ n: n * 2, index })),
      { input: fc.integer(), model: (records) => records.map((n, index) => ({ n: n * 2, index })) },
    )
  })

  it('turns a throwing callback into a TransformError for that record and goes on', async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      map(
        (n: number) => {
          if (n === 2) throw new Error('no twos')
          return n * 10
        },
        { name: 'times ten' },
      ),
      toArray(),
    )
    expect(report.records).toEqual([10, 30])
    expect(report.failed).toBe(1)
    expect(report.failures[0]).toMatchObject({
      _tag: 'TransformError',
      stage: 'times ten',
      message: 'times ten: no twos',
      record: 2,
    })
  })

  it('infers the output type from its callback', () => {
    const op = map((deal: { amount: string }) => ({ amount: Number(deal.amount) }))
    expectTypeOf(op).returns.toEqualTypeOf<Flow<{ amount: number }>>()
  })
})
