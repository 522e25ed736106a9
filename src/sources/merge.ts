import { merge as rxMerge } from 'rxjs'
import type { Flow } from '../core/Flow.js'
import { fanIn } from '../internal/fanIn.js'

/**
 * One flow of the records of several flows, interleaved as they arrive. Each source reads only
 * while the run has budget, as it would alone; failures keep their source's file and line; the
 * report's `sources` section says what each source read (`report.sources['fromCsv a.csv'].read`).
 * Completes when every input completed; an input's error errors the flow (the others are
 * unsubscribed); unsubscribing unsubscribes every input. It shares its name with rxjs's `merge`:
 * import it under a namespace (`pf.merge`) or rename it where both are used.
 *
 * @example
 * ```ts
 * import * as pf from 'powerflow-etl'
 *
 * const report = await pf.pipe(
 *   pf.merge(
 *     pf.fromGenerator([1, 2], { name: 'first' }),
 *     pf.fromGenerator([3], { name: 'second' }),
 *   ),
 *   pf.toArray(),
 * )
 * console.assert(report.read === 3 && report.records.length === 3)
 * console.assert((report['sources'] as Record<string, { read: number }>)['second']?.read === 1)
 * ```
 *
 * @param inputs - The flows to merge.
 * @returns The merged flow.
 * @see {@link concat}
 * @category sources
 * @since 0.2.0
 */
export function merge<A>(...inputs: ReadonlyArray<Flow<A>>): Flow<A> {
  return fanIn('merge', inputs, (observables) => rxMerge(...observables))
}
