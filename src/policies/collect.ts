import type { Flow } from '../core/Flow.js'
import { policyOperator } from '../internal/policyOperator.js'

/**
 * Options of {@link collect}.
 *
 * @category policies
 * @since 0.1.0
 */
export interface CollectOptions {
  /** End the run like fail-fast once the run has more failures than this. */
  readonly maxFailures?: number
}

/**
 * The default failure policy, made explicit: keep going; failures go to the run report
 * (`report.failures`, `report.failed`). With `maxFailures: n` the run fails once the n+1th failure
 * arrives, saying so. A run has one policy: wherever it stands in the pipe it applies to the
 * whole run, the sink's own failures included; two policies in one run reject at start.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, map, collect, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([1, 2, 3]),
 *   map((n: number) => {
 *     if (n === 2) throw new Error('two is not allowed')
 *     return n * 10
 *   }),
 *   collect({ maxFailures: 10 }),
 *   toArray(),
 * )
 * console.assert(report.failed === 1 && report.records.length === 2)
 * ```
 *
 * @category policies
 * @since 0.1.0
 */
export function collect(options: CollectOptions = {}): <A>(input: Flow<A>) => Flow<A> {
  return policyOperator(() => ({
    kind: 'collect',
    ...(options.maxFailures === undefined ? {} : { maxFailures: options.maxFailures }),
  }))
}
