import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import { defineSource } from '../../src/sources/defineSource.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced } from '../support/ledger.js'

/** Records and failures, as a source would yield them. */
const items = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.integer().map((n) => right(n) as Either<Failure, number>) },
    {
      weight: 1,
      arbitrary: fc
        .string()
        .map(
          (reason) =>
            left(failure('ParseError', { stage: 'source', reason })) as Either<Failure, number>,
        ),
    },
  ),
  { maxLength: 200 },
)

describe('the core laws', () => {
  it('accounts for every record read: written, dropped, merged or failed, exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(items, fc.integer({ min: 1, max: 50 }), async (input, highWaterMark) => {
        const result = await runToArray(
          pipe(
            defineSource({ name: 'items', open: () => input }),
            filter((n: number) => n % 2 === 0),
            map((n: number) => {
              if (n % 3 === 0) throw new Error('multiple of three')
              return n
            }),
          ),
          { highWaterMark },
        )
        expect(result.report.status).toBe('completed')
        expect(result.report.read).toBe(input.length)
        expectBalanced(result.report)
        expect(result.report.maxInFlight).toBeLessThanOrEqual(highWaterMark)
      }),
    )
  })

  it('passes failures through untouched and in order', async () => {
    await fc.assert(
      fc.asyncProperty(items, async (input) => {
        const result = await runToArray(
          pipe(
            defineSource({ name: 'items', open: () => input }),
            map((n: number) => n + 1),
            filter(() => true),
          ),
        )
        const expected = input
          .filter((item) => item._tag === 'Left')
          .map((item) => (item as { left: Failure }).left)
        expect(result.failures).toEqual(expected)
        result.failures.forEach((value, index) => expect(value).toBe(expected[index]))
      }),
    )
  })
})
