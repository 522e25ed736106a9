import type { Branch } from '../core/Branch.js'
import type { BranchesReport } from '../core/BranchesReport.js'
import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runBranches } from '../internal/branches.js'

/**
 * Options of {@link route}.
 *
 * @category sinks
 * @since 0.2.0
 */
export interface RouteOptions<A> extends RunOptions {
  /** The branch (named `otherwise` in the report) of records whose key names no branch. */
  readonly otherwise?: Branch<A>
}

/**
 * A sink that sends each record to exactly one branch: the one its key names. A record whose key
 * names no branch goes to `otherwise`, or without it is dropped with reason `unrouted` (counted,
 * never silent). A key function that throws makes the record a failure (a SinkError) under the
 * run's policy. Backpressure, failures and the report are those of {@link fanOut}.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, route, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([{ region: 'emea' }, { region: 'amer' }, { region: 'apac' }]),
 *   route((deal: { region: string }) => deal.region, { emea: toArray(), amer: toArray() }),
 * )
 * console.assert(report.branches.emea.written === 1 && report.branches.amer.written === 1)
 * console.assert(report.droppedByReason['unrouted'] === 1)
 * ```
 *
 * @param key - The name of the branch a record goes to.
 * @param branches - The branches by name.
 * @param options - `otherwise`, and the run's options.
 * @returns A sink: a function from a flow to the promise of its report.
 * @see {@link fanOut}, {@link partition}
 * @category sinks
 * @since 0.2.0
 */
export function route<A, K extends string>(
  key: (record: A) => string,
  branches: Readonly<Record<K, Branch<A>>>,
  options: RouteOptions<A> = {},
): Sink<A, BranchesReport<K | 'otherwise'>> {
  const { otherwise, ...runOptions } = options
  const named: Array<[string, Branch<A>]> = Object.entries(branches) as Array<[K, Branch<A>]>
  if (named.length === 0 && otherwise === undefined)
    throw new TypeError('route: give at least one branch')
  if (otherwise !== undefined) {
    if (Object.hasOwn(branches, 'otherwise'))
      throw new TypeError('route: a branch named "otherwise" and the otherwise option clash')
    named.push(['otherwise', otherwise])
  }
  const lanes = new Map<string, readonly number[]>(
    named
      .filter(([name]) => otherwise === undefined || name !== 'otherwise')
      .map(([name], index) => [name, [index]]),
  )
  const fallback: readonly number[] = otherwise === undefined ? [] : [named.length - 1]
  return (flow) =>
    runBranches(
      flow,
      'route',
      named as Array<[K | 'otherwise', Branch<A>]>,
      (record) => lanes.get(String(key(record))) ?? fallback,
      runOptions,
    )
}
