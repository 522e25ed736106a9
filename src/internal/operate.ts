/**
 * The one machinery under every PowerFlow operator (as rxjs's `operate()`): on subscription it
 * finds the run, registers the stage and gets its {@link StageHandle}, gives the operator's body
 * its output and a way to subscribe to its input, places the output one stage further from the
 * source than the input, and finishes the stage when the subscription ends (records still inside
 * an unsubscribed stage are settled as `cancelled`).
 *
 * `stageOperator` (one handler per record), `rx` and `enrich` are built on it.
 *
 * @internal
 * @packageDocumentation
 */
import {
  Observable,
  type Observer,
  type Subscriber,
  type Subscription,
  type TeardownLogic,
} from 'rxjs'
import type { Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow, Operator } from '../core/Flow.js'
import type { RunContext } from './run/RunContext.js'
import type { StageHandle } from './run/StageHandle.js'
import { currentRun } from './run/currentRun.js'
import { depthOf, withDepth } from './depth.js'
import { subscribeInput } from './flowInput.js'

/** What an operator's body gets for one subscription. @internal */
export interface Operation<A, B> {
  /** The stage's handle: its verbs keep the books. */
  readonly stage: StageHandle
  /** The downstream subscriber. */
  readonly output: Subscriber<Either<Failure, B>>
  /** Subscribes to the input (records from plain rxjs are counted as read where they enter). */
  subscribeInput(observer: Partial<Observer<Either<Failure, A>>>): Subscription
  /**
   * The run, for the machinery's own use only (the stage currently handling a record).
   *
   * @deprecated transitional, for `StageApi.run`; stages count through `stage`.
   */
  readonly run: RunContext
}

/**
 * An operator named `name` whose `body` runs once per subscription and returns its teardown
 * (called before the stage is finished).
 *
 * @internal
 */
export function operate<A, B>(
  name: string,
  body: (operation: Operation<A, B>) => TeardownLogic,
): Operator<A, B> {
  return (input: Flow<A>): Flow<B> => {
    const depth = depthOf(input) + 1
    const output = new Observable<Either<Failure, B>>((subscriber) => {
      const run = currentRun()
      const stage = run.openStage(name, 'operator', depth)
      const teardown = body({
        stage,
        output: subscriber,
        run,
        subscribeInput: (observer) => subscribeInput(run, name, input, observer),
      })
      return () => {
        if (typeof teardown === 'function') teardown()
        else teardown?.unsubscribe()
        stage.finish()
      }
    })
    return withDepth(output, depth)
  }
}
