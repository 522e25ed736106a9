/**
 * A policy operator registers the run's failure policy when it subscribes and passes every value
 * through untouched: the policy applies to the whole run wherever it stands in the pipe.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable } from 'rxjs'
import type { Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import type { PolicyConfig } from './run/FailurePolicy.js'
import { RunStop } from './run/RunStop.js'
import { currentRun, outsideRun } from './run/currentRun.js'
import { depthOf, withDepth } from './depth.js'
import { subscribeInput } from './flowInput.js'

/** What a policy may do to its run. @internal */
export interface PolicyRun {
  /** Stops the run as failed with `error` (a dead-letter sink broke). */
  readonly fail: (error: Error) => void
  /** Runs `body` outside the run (a dead-letter sink's own run). */
  readonly outside: <T>(body: () => T) => T
}

/** @internal */
export function policyOperator(policy: (run: PolicyRun) => PolicyConfig) {
  return <A>(input: Flow<A>): Flow<A> =>
    withDepth(
      new Observable<Either<Failure, A>>((subscriber) => {
        const run = currentRun()
        const config = policy({
          fail: (error) => run.stop(new RunStop('failed', error)),
          outside: outsideRun,
        })
        run.setPolicy(config)
        return subscribeInput(run, config.kind, input, subscriber)
      }),
      depthOf(input),
    )
}
