import type { Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import { pullSource } from '../internal/pullSource.js'
import { iterableReader } from '../internal/iterableReader.js'

/**
 * Options of {@link fromEithers}.
 *
 * @category testing
 * @since 0.1.0
 */
export interface FromEithersOptions {
  /** The stage name in the report (default `fromEithers`). */
  readonly name?: string
}

/**
 * A source that emits the given `Either` values as they are: `Right` records and `Left` failures,
 * in order, as if a real source had read them (each counts as read; each `Left` as a failure of the
 * source). It pulls under the run's budget like every source, completes after the last value, and
 * stops when unsubscribed. The values are not copied: the same objects reach the operators, so
 * tests can check that failures pass through untouched.
 *
 * Pair it with {@link flowArbitrary} to test an operator on Flows that mix records and failures.
 *
 * @example
 * ```ts
 * import { left, right } from 'fp-ts/lib/Either.js'
 * import { pipe, failure, map, collect, toArray } from 'powerflow-etl'
 * import { fromEithers } from 'powerflow-etl/testing'
 *
 * const broken = failure('ParseError', { stage: 'fromCsv', reason: 'unterminated quoted field' })
 * const report = await pipe(
 *   fromEithers([right(1), left(broken), right(2)]),
 *   map((n: number) => n * 10),
 *   collect(),
 *   toArray(),
 * )
 * console.assert(report.records.join() === '10,20' && report.failures[0] === broken)
 * ```
 *
 * @param values - the values to emit
 * @param options - the stage name
 * @returns a cold Flow of those values
 * @category testing
 * @since 0.1.0
 */
export function fromEithers<A>(
  values: Iterable<Either<Failure, A>>,
  options: FromEithersOptions = {},
): Flow<A> {
  const name = options.name ?? 'fromEithers'
  return pullSource<A>(name, () => iterableReader(name, values, (value) => value))
}
