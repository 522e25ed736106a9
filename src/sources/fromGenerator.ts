import type { Flow } from '../core/Flow.js'
import { describeError } from '../core/Failure.js'
import { pullSource } from '../internal/pullSource.js'
import { asRecord, iterableReader } from '../internal/iterableReader.js'

/**
 * What {@link fromGenerator} reads: an array or any iterable, a sync or async generator, or a
 * function returning one (called anew for each subscription, with an `AbortSignal` that fires
 * when the run stops).
 *
 * @category sources
 * @since 0.1.0
 */
export type GeneratorInput<A> =
  Iterable<A> | AsyncIterable<A> | ((signal: AbortSignal) => Iterable<A> | AsyncIterable<A>)

/**
 * Options of {@link fromGenerator}.
 *
 * @category sources
 * @since 0.1.0
 */
export interface FromGeneratorOptions {
  /** The stage name in the report (default `fromGenerator`). */
  readonly name?: string
}

/**
 * A source of records from an array, an iterable, a sync or async generator, or a function that
 * returns one. It pulls only while the run has budget, yields to the event loop regularly (so a
 * synchronous generator cannot starve timers and abort signals), and stops the generator when the
 * run stops. A generator that throws fails the run, naming the source.
 *
 * A generator *object* can be read once; pass a function (`() => gen()`) to read it anew per run.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, toArray } from 'powerflow-etl'
 *
 * function* numbers() {
 *   for (let n = 1; n <= 3; n++) yield { n }
 * }
 * const report = await pipe(fromGenerator(() => numbers()), toArray())
 * console.assert(report.read === 3 && report.records.length === 3)
 * ```
 *
 * @category sources
 * @since 0.1.0
 */
export function fromGenerator<A>(
  input: GeneratorInput<A>,
  options: FromGeneratorOptions = {},
): Flow<A> {
  const name = options.name ?? 'fromGenerator'
  return pullSource<A>(name, (signal) => {
    let iterable: Iterable<A> | AsyncIterable<A>
    try {
      iterable = typeof input === 'function' ? input(signal) : input
    } catch (error) {
      throw new Error(`${name}: the source threw: ${describeError(error)}`, { cause: error })
    }
    return iterableReader(name, iterable, asRecord<A>)
  })
}
