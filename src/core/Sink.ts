import type { Flow } from './Flow.js'
import type { RunReport } from './RunReport.js'

/**
 * A sink, what every `to*` function returns: give it a flow and it runs the pipeline, resolving
 * to the run's report once every record is accounted for. It rejects (with the report as
 * `error.report`) when the run fails for good — an infrastructure fault, fail-fast, an abort.
 * `R` is the report's type: a sink that adds to the report says so (`toArray` gives an
 * `ArrayReport` with the records).
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, toArray, type Sink } from 'powerflow-etl'
 *
 * const collect: Sink<{ id: number }> = toArray()
 * const report = await pipe(fromGenerator([{ id: 1 }, { id: 2 }]), collect)
 * console.assert(report.written === 2)
 * ```
 *
 * @category core
 * @since 0.2.0
 */
export type Sink<A, R extends RunReport = RunReport> = (flow: Flow<A>) => Promise<R>
