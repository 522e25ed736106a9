import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { left, right } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { failure } from '../../src/core/Failure.js'
import { defineOperator } from '../../src/operators/defineOperator.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'

describe('defineOperator', () => {
  it('keeps the operator laws with a value-returning function', async () => {
    await expectOperatorLaws(defineOperator({ name: 'negate', apply: (n: number) => -n }), {
      input: fc.integer(),
      model: (records) => records.map((n) => -n),
    })
  })

  it('turns Left reasons — a string, an Error, a Failure — into failures of that record', async () => {
    const check = defineOperator({
      name: 'check',
      applyEither: (n: number) => {
        if (n === 1) return left('one is odd')
        if (n === 2) return left(new Error('two is even'))
        if (n === 3)
          return left(
            failure('ValidationError', {
              stage: 'check',
              reason: 'three',
              location: { field: 'n' },
            }),
          )
        return right(n * 2)
      },
    })
    const report = await pipe(fromGenerator([1, 2, 3, 4]), check, toArray())
    expect(report.records).toEqual([8])
    expect(report.failures.map((f) => [f._tag, f.message, f.record])).toEqual([
      ['TransformError', 'check: one is odd', 1],
      ['TransformError', 'check: two is even', 2],
      ['ValidationError', 'check field n: three', undefined],
    ])
    expect(report.stages[1]).toMatchObject({ name: 'check', in: 4, out: 1, failed: 3 })
  })
})
