/**
 * A source over a push stream (an rxjs Observable, a Subject): counts what it emits as read. It
 * cannot be paused, so it is not backpressured: the budget only shows in `maxInFlight`.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable } from 'rxjs'
import type { Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import { currentRun } from './run/currentRun.js'
import { withDepth } from './depth.js'

/** @internal */
export function pushSource<A>(name: string, input: Observable<Either<Failure, A>>): Flow<A> {
  const flow = new Observable<Either<Failure, A>>((subscriber) => {
    const stage = currentRun().openStage(name, 'source', 0)
    const subscription = input.subscribe({
      next(item) {
        if (stage.stopped) return
        stage.read(item)
        subscriber.next(item)
      },
      error(error: unknown) {
        subscriber.error(error)
      },
      complete() {
        stage.finish()
        subscriber.complete()
      },
    })
    return () => {
      subscription.unsubscribe()
      stage.finish()
    }
  })
  return withDepth(flow, 0)
}
