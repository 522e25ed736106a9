import type { RunReport } from '../core/RunReport.js'
import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runSink } from '../internal/runSink.js'

/**
 * Options of {@link toArray}: the run's options.
 *
 * @category sinks
 * @since 0.1.0
 */
export interface ToArrayOptions extends RunOptions {}

/**
 * The report of a {@link toArray} run: a {@link RunReport} that also carries the `records`.
 *
 * @category sinks
 * @since 0.1.0
 */
export type ArrayReport<A> = RunReport & { readonly records: A[] }

/**
 * A sink that collects the records in memory — for tests and small jobs. Resolves to the run
 * report with `records`; rejects like every sink on fail-fast or abort (see `runToArray` in
 * `powerflow-etl/testing` for a version that never rejects).
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, filter, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(fromGenerator([1, 2, 3, 4]), filter((n: number) => n % 2 === 0), toArray())
 * console.assert(report.records.join() === '2,4')
 * console.assert(report.droppedByReason['filtered'] === 2)
 * ```
 *
 * @category sinks
 * @since 0.1.0
 */
export function toArray<A>(options: ToArrayOptions = {}): Sink<A, ArrayReport<A>> {
  return (flow) => {
    const records: A[] = []
    return runSink<A>(flow, 'toArray', options, (stage) => {
      stage.sections['records'] = records
      return {
        write(record) {
          records.push(record)
          stage.write()
        },
        end: async () => undefined,
        abort: async () => undefined,
      }
    }) as Promise<ArrayReport<A>>
  }
}
