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
import { currentRun, type PolicyConfig } from './RunContext.js'
import { depthOf, withDepth } from './depth.js'
import { subscribeInput } from './flowInput.js'

/** @internal */
export function policyOperator(policy: () => PolicyConfig) {
  return <A>(input: Flow<A>): Flow<A> =>
    withDepth(
      new Observable<Either<Failure, A>>((subscriber) => {
        const run = currentRun()
        const config = policy()
        run.setPolicy(config)
        return subscribeInput(run, config.kind, input, subscriber)
      }),
      depthOf(input),
    )
}
