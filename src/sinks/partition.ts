import type { Branch } from '../core/Branch.js'
import type { BranchesReport } from '../core/BranchesReport.js'
import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runBranches } from '../internal/branches.js'

/**
 * Options of {@link partition}: those of the run.
 *
 * @category sinks
 * @since 0.2.0
 */
export interface PartitionOptions extends RunOptions {}

/**
 * A sink that sends each record to `yes` when `predicate` holds for it, else to `no`: the two-way
 * {@link route}. A predicate that throws makes the record a failure (a SinkError) under the run's
 * policy. Backpressure, failures and the report are those of {@link fanOut}.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, partition, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([1, 2, 3, 4, 5]),
 *   partition((n: number) => n % 2 === 0, { yes: toArray(), no: toArray() }),
 * )
 * console.assert(report.branches.yes.written === 2 && report.branches.no.written === 3)
 * ```
 *
 * @param predicate - Whether a record goes to `yes`.
 * @param branches - The `yes` and `no` branches.
 * @param options - The run's options.
 * @returns A sink: a function from a flow to the promise of its report.
 * @see {@link route}, {@link fanOut}
 * @category sinks
 * @since 0.2.0
 */
export function partition<A>(
  predicate: (record: A) => boolean,
  branches: { readonly yes: Branch<A>; readonly no: Branch<A> },
  options: PartitionOptions = {},
): Sink<A, BranchesReport<'yes' | 'no'>> {
  const named: Array<['yes' | 'no', Branch<A>]> = [
    ['yes', branches.yes],
    ['no', branches.no],
  ]
  const yes: readonly number[] = [0]
  const no: readonly number[] = [1]
  return (flow) =>
    runBranches(flow, 'partition', named, (record) => (predicate(record) ? yes : no), options)
}
