import { isLeft, isRight, right, type Either } from 'fp-ts/lib/Either.js'
import { describeError, type Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import { pullSource } from '../internal/pullSource.js'
import { iterableReader } from '../internal/iterableReader.js'

/**
 * What a custom source implements.
 *
 * @category sources
 * @since 0.1.0
 */
export interface SourceDefinition<A> {
  /** The stage name in the report. */
  readonly name: string
  /**
   * Opens the source for one run and returns what to read. It is pulled: the next value is asked
   * for only when the run has budget. `signal` aborts when the run stops — a read that may block
   * must listen to it.
   */
  readonly open: (signal: AbortSignal) => SourceIterable<A> | Promise<SourceIterable<A>>
  /** Releases resources; called once when the source ends, errors or is unsubscribed. */
  readonly close?: () => void | Promise<void>
}

/**
 * What a custom source's `open` returns: an iterable or async iterable of records and failures.
 *
 * @category sources
 * @since 0.1.0
 */
export type SourceIterable<A> = Iterable<A | SourceItem<A>> | AsyncIterable<A | SourceItem<A>>

/**
 * A value a custom source may yield to report a bad record without stopping: `Left` is a failure
 * (build it with `failure('ParseError', …)`), `Right` a record.
 *
 * @category sources
 * @since 0.1.0
 */
export type SourceItem<A> = Either<Failure, A>

/**
 * Defines a custom source from a function that opens an (async) iterable, with cleanup. Plain
 * values are records; yield `left(failure(...))` for a bad record the run should report and go on.
 * The iterable is read only while the run has budget, and closed when the run stops.
 *
 * A source that yields values with a `_tag` of `Left` or `Right` must wrap its records in
 * `right(…)`, since those are read as Either values.
 *
 * @example
 * ```ts
 * import { pipe, defineSource, toArray } from 'powerflow-etl'
 *
 * const countdown = (from: number) =>
 *   defineSource({
 *     name: `countdown ${from}`,
 *     async *open() {
 *       for (let n = from; n > 0; n--) yield { n }
 *     },
 *   })
 * const report = await pipe(countdown(3), toArray())
 * console.assert(report.records.map((r) => r.n).join() === '3,2,1')
 * ```
 *
 * @category sources
 * @since 0.1.0
 */
export function defineSource<A>(definition: SourceDefinition<A>): Flow<A> {
  return pullSource<A>(definition.name, async (signal) => {
    let iterable: SourceIterable<A>
    try {
      iterable = await definition.open(signal)
    } catch (error) {
      throw new Error(`${definition.name}: open failed: ${describeError(error)}`, { cause: error })
    }
    return iterableReader(definition.name, iterable, toItem<A>, definition.close)
  })
}

function toItem<A>(value: A | SourceItem<A>): Either<Failure, A> {
  const either = value as Either<Failure, A>
  if (typeof value === 'object' && value !== null && (isLeft(either) || isRight(either)))
    return either
  return right(value as A)
}
