import type { Flow } from '../core/Flow.js'
import { policyOperator } from '../internal/policyOperator.js'

/**
 * The fail-fast policy: the first failure anywhere in the run (the sink's own included) stops
 * reading and rejects the sink's promise with a `RunError` carrying `failure` and the partial
 * `report` (status `failed`; records in flight are dropped with reason `aborted`).
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, map, failFast, toArray, RunError } from 'powerflow-etl'
 *
 * try {
 *   await pipe(
 *     fromGenerator([1, 2, 3]),
 *     map((n: number) => {
 *       if (n === 2) throw new Error('two is not allowed')
 *       return n
 *     }),
 *     failFast(),
 *     toArray(),
 *   )
 * } catch (error) {
 *   console.assert(error instanceof RunError && error.report?.status === 'failed')
 * }
 * ```
 *
 * @category policies
 * @since 0.1.0
 */
export function failFast(): <A>(input: Flow<A>) => Flow<A> {
  return policyOperator(() => ({ kind: 'failFast' }))
}
