import type { Flow } from './Flow.js'

/**
 * Marks the objects `lookupTable` makes, so `enrich` tells them from lookup functions.
 *
 * @internal
 */
export const LOOKUP_TABLE = Symbol.for('powerflow.lookupTable')

/**
 * A table for {@link enrich} to join on: a flow of rows keyed by one of their fields. Made by
 * {@link lookupTable}; loaded by `enrich`, once per run.
 *
 * @category operators
 * @since 0.1.0
 */
export interface LookupTable<R> {
  /** @internal */
  readonly [LOOKUP_TABLE]: true
  /** The table's name in `report.lookups` and in errors. */
  readonly name: string
  /** Whether the name was given (else it is made from the key field). */
  readonly named: boolean
  /** The table's rows, read to the end once per run. */
  readonly flow: Flow<R>
  /** The field of each row to join on. */
  readonly keyField: string
}
