import { concat as rxConcat } from 'rxjs'
import type { Flow } from '../core/Flow.js'
import { fanIn } from '../internal/fanIn.js'

/**
 * One flow of the records of several flows, one after another: the second is subscribed (its
 * file opened) when the first completes. Each source reads only while the run has budget;
 * failures keep their source's file and line; the report's `sources` section says what each
 * source read. An input's error errors the flow, and the inputs after it are never subscribed;
 * unsubscribing unsubscribes the input being read. It shares its name with rxjs's `concat`:
 * import it under a namespace (`pf.concat`) or rename it where both are used.
 *
 * @example
 * ```ts
 * import * as pf from 'powerflow-etl'
 *
 * const report = await pf.pipe(
 *   pf.concat(pf.fromGenerator([1, 2], { name: 'first' }), pf.fromGenerator([3], { name: 'second' })),
 *   pf.toArray(),
 * )
 * console.assert(report.records.join() === '1,2,3')
 * console.assert((report['sources'] as Record<string, { read: number }>)['first']?.read === 2)
 * ```
 *
 * @param inputs - The flows, in the order to read them.
 * @returns The concatenated flow.
 * @see {@link merge}
 * @category sources
 * @since 0.2.0
 */
export function concat<A>(...inputs: ReadonlyArray<Flow<A>>): Flow<A> {
  return fanIn('concat', inputs, (observables) => rxConcat(...observables))
}
