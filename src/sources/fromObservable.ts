import { map as rxMap, type Observable } from 'rxjs'
import { right } from 'fp-ts/lib/Either.js'
import type { Flow } from '../core/Flow.js'
import { pushSource } from '../internal/pushSource.js'

/**
 * Options of {@link fromObservable}.
 *
 * @category sources
 * @since 0.1.0
 */
export interface FromObservableOptions {
  /** The stage name in the report (default `fromObservable`). */
  readonly name?: string
}

/**
 * Lifts any plain rxjs Observable (a `Subject`, an `interval`, an event stream) into a Flow, each
 * value a `Right` record. Completion and errors pass through; unsubscribing unsubscribes from it.
 *
 * An Observable of plain values piped straight into a PowerFlow operator fails, saying to wrap it
 * with `fromObservable`; one of `Either`s is counted as read where it enters the run.
 *
 * A push source cannot be paused: it is **not backpressured** (the run's `maxInFlight` shows how
 * far it ran ahead). Use {@link fromGenerator} or {@link defineSource} for sources that can wait.
 *
 * @example
 * ```ts
 * import { Subject } from 'rxjs'
 * import { pipe, fromObservable, map, toArray } from 'powerflow-etl'
 *
 * const live = new Subject<{ price: number }>()
 * const done = pipe(fromObservable(live), map((tick) => tick.price * 2), toArray())
 * live.next({ price: 1 })
 * live.next({ price: 2 })
 * live.complete()
 * console.assert((await done).records.join() === '2,4')
 * ```
 *
 * @category sources
 * @since 0.1.0
 */
export function fromObservable<A>(
  input: Observable<A>,
  options: FromObservableOptions = {},
): Flow<A> {
  return pushSource(options.name ?? 'fromObservable', input.pipe(rxMap((value) => right(value))))
}
