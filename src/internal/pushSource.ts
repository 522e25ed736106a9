/**
 * A source over a push stream (an rxjs Observable, a Subject): counts what it emits as read. It
 * cannot be paused, so it is not backpressured: the budget only shows in `maxInFlight`.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable } from 'rxjs'
import { isLeft, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import { currentRun } from './RunContext.js'
import { withDepth } from './depth.js'

/** @internal */
export function pushSource<A>(name: string, input: Observable<Either<Failure, A>>): Flow<A> {
  const flow = new Observable<Either<Failure, A>>((subscriber) => {
    const run = currentRun()
    const stats = run.stage(name, 'source', 0)
    const subscription = input.subscribe({
      next(item) {
        if (run.stopped !== undefined) return
        run.noteRead(1)
        stats.in += 1
        if (isLeft(item)) stats.failed += 1
        else stats.out += 1
        subscriber.next(item)
      },
      error(error: unknown) {
        subscriber.error(error)
      },
      complete() {
        run.finishStage(stats)
        subscriber.complete()
      },
    })
    return () => {
      subscription.unsubscribe()
      run.finishStage(stats)
    }
  })
  return withDepth(flow, 0)
}
