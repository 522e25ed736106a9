import fc from 'fast-check'
import { isLeft, isRight, left, right, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { failure, type Failure } from '../../src/core/Failure.js'
import { map } from '../../src/operators/map.js'
import { collect } from '../../src/policies/collect.js'
import { fromEithers } from '../../src/testing/fromEithers.js'
import { flowArbitrary } from '../../src/testing/flowArbitrary.js'
import { runToArray } from '../../src/testing/runToArray.js'

describe('fromEithers', () => {
  it('emits records and the very same failure objects, in order, and the books balance', async () => {
    await fc.assert(
      fc.asyncProperty(flowArbitrary(fc.string(), { failureRate: 0.4 }), async (values) => {
        const result = await runToArray(pipe(fromEithers(values), collect()))
        expect(result.records).toEqual(values.filter(isRight).map((value) => value.right))
        const failures = values.filter(isLeft).map((value) => value.left)
        expect(result.failures.length).toBe(failures.length)
        result.failures.forEach((value, index) => expect(value).toBe(failures[index]))
        const { report } = result
        expect(report.status).toBe('completed')
        expect(report.read).toBe(values.length)
        expect(report.written + report.dropped + report.merged + report.failed).toBe(
          report.read + report.created,
        )
      }),
      { numRuns: 50 },
    )
  })

  it('names its stage in the report, fromEithers by default', async () => {
    const named = await runToArray(fromEithers([right(1)], { name: 'fixture' }))
    expect(named.report.stages.map((stage) => stage.name)).toContain('fixture')
    const plain = await runToArray(fromEithers([right(1)]))
    expect(plain.report.stages.map((stage) => stage.name)).toContain('fromEithers')
  })

  it('completes at once when empty', async () => {
    const result = await runToArray(fromEithers<number>([]))
    expect(result.records).toEqual([])
    expect(result.report.status).toBe('completed')
  })

  it('stops reading when unsubscribed', async () => {
    let pulled = 0
    function* endless(): Generator<Either<Failure, number>> {
      for (;;) {
        pulled += 1
        yield right(pulled)
      }
    }
    const seen: number[] = []
    await new Promise<void>((resolve) => {
      const subscription = pipe(
        fromEithers(endless()),
        map((n: number) => n),
      ).subscribe((value) => {
        if (isRight(value)) seen.push(value.right)
        if (seen.length === 3) {
          subscription.unsubscribe()
          resolve()
        }
      })
    })
    const after = pulled
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(seen).toEqual([1, 2, 3])
    expect(pulled).toBe(after)
  })

  it('lets a failure reach the report untouched through an operator', async () => {
    const broken = failure('ParseError', { stage: 'fromCsv', reason: 'unterminated quoted field' })
    const result = await runToArray(
      pipe(
        fromEithers([right(1), left(broken), right(2)]),
        map((n: number) => n + 1),
        collect(),
      ),
    )
    expect(result.records).toEqual([2, 3])
    expect(result.failures).toEqual([broken])
    expect(result.failures[0]).toBe(broken)
  })
})
