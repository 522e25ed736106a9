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

describe('map with a callback that throws a hostile value', () => {
  it('makes that record a TransformError naming the stage, and the run goes on', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('gotcha')
        },
        getPrototypeOf() {
          throw new Error('gotcha')
        },
      },
    )
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      map(
        (n: number) => {
          if (n === 2) throw hostile
          return n
        },
        { name: 'hostile' },
      ),
      toArray(),
    )
    expect(report.records).toEqual([1, 3])
    expect(report.failures.map((f) => [f._tag, f.stage])).toEqual([['TransformError', 'hostile']])
    expect(report.failures[0]?.message).toMatch(/^hostile: /)
  })
})
