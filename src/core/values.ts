import { Observable } from 'rxjs'
import { RunError } from './RunError.js'
import type { Flow } from './Flow.js'

/**
 * Turns a Flow back into a plain Observable of its records that errors with a `RunError`
 * (carrying the `failure`) at the first failure — for reactive code that wants rxjs semantics.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs'
 * import { pipe, fromGenerator, map, values } from 'powerflow-etl'
 *
 * const last = await lastValueFrom(pipe(fromGenerator([1, 2]), map((n: number) => n + 1), values()))
 * console.assert(last === 3)
 * ```
 *
 * @see rights, to skip failures instead
 * @category core
 * @since 0.1.0
 */
export function values<A>(): (flow: Flow<A>) => Observable<A> {
  return (flow) =>
    new Observable<A>((subscriber) =>
      flow.subscribe({
        next(value) {
          if (value._tag === 'Right') subscriber.next(value.right)
          else subscriber.error(new RunError(value.left.message, value.left))
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    )
}
