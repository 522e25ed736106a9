import { filter, map, type Observable } from 'rxjs'
import { isRight, type Either, type Right } from 'fp-ts/lib/Either.js'
import type { Failure } from './Failure.js'
import type { Flow } from './Flow.js'

/**
 * Turns a Flow back into a plain Observable of its records, leaving the failures out — for use
 * inside reactive apps. Subscribing outside a sink runs without a run report or budget.
 *
 * @example
 * ```ts
 * import { lastValueFrom, toArray as collectAll } from 'rxjs'
 * import { pipe, fromGenerator, map, rights } from 'powerflow-etl'
 *
 * const doubled = pipe(fromGenerator([1, 2, 3]), map((n: number) => n * 2), rights())
 * console.assert((await lastValueFrom(doubled.pipe(collectAll()))).join() === '2,4,6')
 * ```
 *
 * @see values, to fail on the first failure instead
 * @category core
 * @since 0.1.0
 */
export function rights<A>(): (flow: Flow<A>) => Observable<A> {
  return (flow) =>
    flow.pipe(
      filter((value: Either<Failure, A>): value is Right<A> => isRight(value)),
      map((value) => value.right),
    )
}
