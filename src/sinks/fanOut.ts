import type { Branch } from '../core/Branch.js'
import type { BranchesReport } from '../core/BranchesReport.js'
import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runBranches } from '../internal/branches.js'

/**
 * Options of {@link fanOut}: those of the run (the branches share its budget, policy and signal).
 *
 * @category sinks
 * @since 0.2.0
 */
export interface FanOutOptions extends RunOptions {}

/**
 * A sink that sends every record to every branch, in one run. A branch is a sink or a function
 * from the branch's flow to a sink's promise (its own operators, then its sink).
 *
 * Backpressure: a record's budget is released only when every branch has settled it, so the
 * slowest branch governs the source. The run's failure policy (placed before `fanOut`) applies to
 * every branch: a branch's failure counts towards `maxFailures`, a dead letter names its branch in
 * `details.branch`, and a failure under `failFast`, an abort or a branch's infrastructure error
 * stops every branch (each file sink discards its temporary file: no half-written files). The
 * promise resolves to a {@link BranchesReport}: `report.branches.<name>` is each branch's full
 * report. A branch may not have a policy of its own.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, filter, fanOut, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([{ amount: 5 }, { amount: 500 }]),
 *   fanOut({
 *     all: toArray(),
 *     big: (flow) => pipe(flow, filter((deal: { amount: number }) => deal.amount > 100), toArray()),
 *   }),
 * )
 * console.assert(report.read === 2 && report.written === 2)
 * console.assert(report.branches.all.written === 2)
 * console.assert(report.branches.big.written === 1 && report.branches.big.dropped === 1)
 * ```
 *
 * @param branches - The branches by name.
 * @param options - The run's options.
 * @returns A sink: a function from a flow to the promise of its report.
 * @see {@link route}, {@link partition}
 * @category sinks
 * @since 0.2.0
 */
export function fanOut<A, K extends string>(
  branches: Readonly<Record<K, Branch<A>>>,
  options: FanOutOptions = {},
): Sink<A, BranchesReport<K>> {
  const named = Object.entries(branches) as Array<[K, Branch<A>]>
  if (named.length === 0) throw new TypeError('fanOut: give at least one branch')
  const all = named.map((_, index) => index)
  return (flow) => runBranches(flow, 'fanOut', named, () => all, options)
}
