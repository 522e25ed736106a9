/**
 * State stores that live in a database: a store made by `postgresStateStore` or `sqliteStateStore`
 * carries a binding that says which database and table it writes, so a database sink loading into
 * the same database can write the run's state in the same transaction as the rows it covers.
 *
 * @internal
 * @packageDocumentation
 */
import type { StateStore } from '../../core/StateStore.js'

/** The property under which a store keeps its binding. @internal */
export const STATE_BINDING: unique symbol = Symbol.for('powerflow-etl.stateBinding')

/** Where a database state store writes. @internal */
export interface StateBinding {
  readonly dialect: 'postgres' | 'sqlite'
  /** The state table, quoted for the dialect. */
  readonly table: string
  /** Whether a sink's connection (or database) reaches the same database as the store. */
  readonly sameDatabase: (connection: unknown) => boolean
}

/** The binding of `store` for `dialect`, if it is a database store of that dialect. @internal */
export function stateBindingOf(
  store: StateStore | undefined,
  dialect: StateBinding['dialect'],
): StateBinding | undefined {
  const binding = (store as { [STATE_BINDING]?: StateBinding } | undefined)?.[STATE_BINDING]
  return binding?.dialect === dialect ? binding : undefined
}
