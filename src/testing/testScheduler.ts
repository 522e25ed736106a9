import { TestScheduler } from 'rxjs/testing'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { assertEqual } from './assertEqual.js'
import type { Failure } from '../core/Failure.js'

/**
 * An rxjs `TestScheduler` whose assertions compare frames as a test framework's `toEqual` does, for
 * marble tests of operators: `scheduler.run(({ cold, expectObservable, expectSubscriptions }) =>
 * …)`. A mismatch throws an `AssertionError` carrying both frame lists, which vitest, jest and
 * node:test show as a diff. Expected values may be asymmetric matchers (`left(expect.objectContaining({ _tag: 'TransformError' }))`).
 *
 * PowerFlow operators run detached when no sink runs them (no budget, no ledger to balance), which
 * is what a marble test wants: they see the marbles' values and timing as they are. Sources that
 * read files or pull generators are asynchronous and do not belong in marble tests; feed the
 * operator `cold(...)` observables of {@link rightValues} and {@link leftValues} instead.
 *
 * @example
 * ```ts
 * import { map } from 'powerflow-etl'
 * import { rightValues, testScheduler } from 'powerflow-etl/testing'
 *
 * testScheduler().run(({ cold, expectObservable }) => {
 *   const input = cold('-a-b-|', rightValues({ a: 1, b: 2 }))
 *   expectObservable(map((n: number) => n * 10)(input)).toBe(
 *     '-x-y-|',
 *     rightValues({ x: 10, y: 20 }),
 *   )
 * })
 * ```
 *
 * @returns a new TestScheduler that reports mismatches as `AssertionError`s
 * @category testing
 * @since 0.1.0
 */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    assertEqual(actual, expected, 'the observed frames differ from the expected marbles')
  })
}

/**
 * Wraps each value of a marble value map in `right(...)`, so `{ a: record }` becomes the map of
 * `Right`s a Flow carries: `cold('-a-|', rightValues({ a: deal }))`.
 *
 * @example
 * ```ts
 * import { right } from 'fp-ts/lib/Either.js'
 * import { rightValues } from 'powerflow-etl/testing'
 *
 * const values = rightValues({ a: { id: 1 }, b: { id: 2 } })
 * console.assert(JSON.stringify(values.a) === JSON.stringify(right({ id: 1 })))
 * ```
 *
 * @param values - marble letters to records
 * @returns the same letters to `Right` records
 * @category testing
 * @since 0.1.0
 */
export function rightValues<T extends Readonly<Record<string, unknown>>>(
  values: T,
): { [K in keyof T]: Either<Failure, T[K]> } {
  const out: Record<string, Either<Failure, unknown>> = {}
  for (const [key, value] of Object.entries(values)) out[key] = right(value)
  return out as { [K in keyof T]: Either<Failure, T[K]> }
}

/**
 * Wraps each failure of a marble value map in `left(...)`; spread it beside {@link rightValues} to
 * mix records and failures: `{ ...rightValues({ a: deal }), ...leftValues({ x: broken }) }`.
 *
 * @example
 * ```ts
 * import { failure } from 'powerflow-etl'
 * import { leftValues } from 'powerflow-etl/testing'
 *
 * const broken = failure('ParseError', { stage: 'fromCsv', reason: 'bad quote' })
 * const values = leftValues({ x: broken })
 * console.assert(values.x._tag === 'Left' && values.x.left === broken)
 * ```
 *
 * @param values - marble letters to failures
 * @returns the same letters to `Left` failures
 * @category testing
 * @since 0.1.0
 */
export function leftValues<T extends Readonly<Record<string, Failure>>>(
  values: T,
): { [K in keyof T]: Either<Failure, never> } {
  const out: Record<string, Either<Failure, never>> = {}
  for (const [key, value] of Object.entries(values)) out[key] = left(value)
  return out as { [K in keyof T]: Either<Failure, never> }
}
