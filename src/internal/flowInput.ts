/**
 * How every PowerFlow stage subscribes to its input. A PowerFlow flow is subscribed as it is. A
 * plain Observable (rxjs `of`, a `Subject`, a `merge`, a plain operator) is where records may
 * enter the run uncounted: each value must be an `Either` (anything else errors, saying to wrap
 * the source with `fromObservable`), and values beyond those PowerFlow flows handed to plain code
 * are counted as read there, under a source stage named after the stage they enter.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable, type Observer, type Subscription } from 'rxjs'
import type { Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import type { RunContext } from './run/RunContext.js'
import type { StageHandle } from './run/StageHandle.js'
import { isFlow, subscribing } from './depth.js'

/** Subscribes `observer` to the input of the stage `stage` of `run`. @internal */
export function subscribeInput<A>(
  run: RunContext,
  stage: string,
  input: Flow<A>,
  observer: Partial<Observer<Either<Failure, A>>>,
): Subscription {
  if (isFlow(input)) return subscribing(true, () => input.subscribe(observer))
  run.plainEntries.active = true
  let entry: StageHandle | undefined
  const checked = new Observable<Either<Failure, A>>((subscriber) =>
    subscribing(false, () =>
      (input as Flow<A> | Observable<unknown>).subscribe({
        next(value: unknown) {
          if (!isEither(value)) {
            subscriber.error(notAnEither(stage, value))
            return
          }
          if (run.plainEntries.arrived()) {
            entry ??= run.openStage(`rxjs input of ${stage}`, 'source', 0)
            entry.read(value)
          }
          subscriber.next(value as Either<Failure, A>)
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          entry?.finish()
          subscriber.complete()
        },
      }),
    ),
  )
  return checked.subscribe(observer)
}

function isEither(value: unknown): value is { readonly _tag: 'Left' | 'Right' } {
  if (typeof value !== 'object' || value === null) return false
  const tag = (value as { _tag?: unknown })._tag
  return tag === 'Left' || tag === 'Right'
}

function notAnEither(stage: string, value: unknown): TypeError {
  return new TypeError(
    `${stage}: received ${describe(value)}, which is not an Either (a PowerFlow record is right(value), a failure left(failure)). ` +
      'Wrap a plain Observable with fromObservable(observable) to make it a Flow.',
  )
}

function describe(value: unknown): string {
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
    return text.length > 60 ? `${text.slice(0, 57)}...` : text
  } catch {
    return `a ${typeof value}`
  }
}
