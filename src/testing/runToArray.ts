import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import type { RunReport } from '../core/RunReport.js'
import { toArray, type ToArrayOptions } from '../sinks/toArray.js'

/**
 * What {@link runToArray} resolves to.
 *
 * @category testing
 * @since 0.1.0
 */
export interface RunResult<A> {
  readonly records: A[]
  readonly failures: readonly Failure[]
  readonly report: RunReport
  /** The error the run rejected with (fail-fast, abort, an infrastructure fault), if it did. */
  readonly error?: Error
}

/**
 * Runs a flow into memory and resolves with its records, failures and report — **never rejects**,
 * unlike the {@link toArray} sink, so tests can assert on failing and aborted runs alike.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, map, failFast } from 'powerflow-etl'
 * import { runToArray } from 'powerflow-etl/testing'
 *
 * const result = await runToArray(
 *   pipe(fromGenerator([1, 2]), map((n: number) => {
 *     if (n === 2) throw new Error('no twos')
 *     return n
 *   }), failFast()),
 * )
 * console.assert(result.report.status === 'failed' && result.failures.length === 1)
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export async function runToArray<A>(
  flow: Flow<A>,
  options: ToArrayOptions = {},
): Promise<RunResult<A>> {
  try {
    const report = await toArray<A>(options)(flow)
    return { records: report.records, failures: report.failures, report }
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught))
    const report = (error as { report?: RunReport }).report
    if (report === undefined) throw error
    const records = (report['records'] as A[] | undefined) ?? []
    return { records, failures: report.failures, report, error }
  }
}
