import type { Operator } from '../core/Flow.js'
import { stageOperator } from '../internal/stageOperator.js'

/**
 * Options of {@link filter}.
 *
 * @category operators
 * @since 0.1.0
 */
export interface FilterOptions {
  /** The stage name in the report and hooks (default `filter`). */
  readonly name?: string
}

/**
 * Keeps the records that match `predicate`; the others are dropped and counted in the report
 * (reason `filtered`). Failures pass through untouched and in order; a predicate that throws
 * makes that record a `TransformError` and the stream goes on. With a type guard, the output type
 * is narrowed.
 *
 * Shares its name with rxjs's `filter`: import PowerFlow as a namespace (`import * as pf from
 * 'powerflow-etl'`) when both are in scope.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, filter, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([{ stage: 'won', amount: 10 }, { stage: 'lost', amount: 5 }]),
 *   filter((deal) => deal.stage === 'won', { name: 'Filter won' }),
 *   toArray(),
 * )
 * console.assert(report.records.length === 1 && report.droppedByReason['filtered'] === 1)
 * ```
 *
 * @param predicate - called with each record and its 0-based index among the records
 * @category operators
 * @since 0.1.0
 */
export function filter<A, B extends A>(
  predicate: (record: A, index: number) => record is B,
  options?: FilterOptions,
): Operator<A, B>
export function filter<A>(
  predicate: (record: A, index: number) => boolean,
  options?: FilterOptions,
): Operator<A, A>
export function filter<A>(
  predicate: (record: A, index: number) => boolean,
  options: FilterOptions = {},
): Operator<A, A> {
  return stageOperator<A, A>(options.name ?? 'filter', (stage) => {
    let index = 0
    return {
      next(record) {
        if (predicate(record, index++)) stage.emit(record)
        else stage.drop('filtered')
      },
    }
  })
}
