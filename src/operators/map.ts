import type { Operator } from '../core/Flow.js'
import { stageOperator } from '../internal/stageOperator.js'

/**
 * Options of {@link map}.
 *
 * @category operators
 * @since 0.1.0
 */
export interface MapOptions {
  /** The stage name in the report and hooks (default `map`). */
  readonly name?: string
}

/**
 * Transforms each record with `fn`, which receives the record and its 0-based index. Failures pass
 * through untouched and in order; a throwing `fn` makes that record a `TransformError` (with the
 * record and the cause) and the stream goes on. `fn` must not mutate its input: return a new
 * record.
 *
 * Shares its name with rxjs's `map`: import PowerFlow as a namespace (`import * as pf from
 * 'powerflow-etl'`) when both are in scope.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, map, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([{ first: 'Ada', last: 'Lovelace' }]),
 *   map((person, index) => ({ index, name: `${person.first} ${person.last}` })),
 *   toArray(),
 * )
 * console.assert(report.records[0]?.name === 'Ada Lovelace')
 * ```
 *
 * @category operators
 * @since 0.1.0
 */
export function map<A, B>(
  fn: (record: A, index: number) => B,
  options: MapOptions = {},
): Operator<A, B> {
  return stageOperator<A, B>(
    options.name ?? 'map',
    (stage) => {
      let index = 0
      return {
        next(record) {
          stage.emit(fn(record, index++))
        },
      }
    },
    { oneToOne: true },
  )
}
