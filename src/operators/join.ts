import type { Flow, Operator } from '../core/Flow.js'
import type { RunReport } from '../core/RunReport.js'
import { enrichOperator } from '../internal/enrich/enrichOperator.js'
import { keyOf, loadTable, tableLoadError, type LoadedTable } from '../internal/enrich/table.js'
import { ownField } from '../internal/keys.js'
import { lookupTable } from './lookupTable.js'

/**
 * How {@link join} treats a record with no row on the other side: `inner` drops it (reason
 * `unmatched`), `left` keeps it as it is.
 *
 * @category operators
 * @since 0.2.0
 */
export type JoinHow = 'inner' | 'left'

/**
 * Options of {@link join}.
 *
 * @category operators
 * @since 0.2.0
 */
export interface JoinOptions<A, R, H extends JoinHow = 'inner', N extends string = never> {
  /** The record's field to join on, or a function giving its key. Keys compare as strings. */
  readonly on: (keyof A & string) | ((record: A) => unknown)
  /** The other side's key field (default: `on`, which must then be a field name). */
  readonly otherOn?: keyof R & string
  /** `inner` (default) or `left`. */
  readonly how?: H
  /** Nest the matched row under this field instead of merging its fields into the record. */
  readonly as?: N
  /** The stage name in the report (default `join`). */
  readonly name?: string
}

/**
 * The output of {@link join}: the record with the row's fields merged in (`Omit<A, keyof R> & R`),
 * or nested under `as`; with `how: 'left'`, a record without a match comes out as it came.
 *
 * @category operators
 * @since 0.2.0
 */
export type Joined<A, R, H extends JoinHow, N extends string> = [N] extends [never]
  ? H extends 'inner'
    ? Omit<A, keyof R> & R
    : A | (Omit<A, keyof R> & R)
  : H extends 'inner'
    ? A & { readonly [P in N]: R }
    : A & { readonly [P in N]?: R }

/**
 * A stream–table join: loads `other` first (the build side, once per run, through the same
 * machinery as {@link lookupTable}), then joins each record of the flow with the row whose key
 * equals the record's. Build-side rows without a key or with a key already seen are dropped from
 * the table with reasons `missingKey` and `duplicate` (the first row of a key wins): the build
 * side's report is in the run's `lookups` section. On the stream side, records without a key
 * and records without a match are counted in the run's `joins` section (`missingKey`,
 * `unmatched`); under `how: 'inner'` both are dropped with reason `unmatched`, under `left` they
 * go on unchanged. Failures pass through in order; a build side that cannot be loaded fails the
 * run; unsubscribing stops the load.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, join, toArray } from 'powerflow-etl'
 *
 * const accounts = fromGenerator([{ Id: 'A1', Name: 'Acme' }])
 * const report = await pipe(
 *   fromGenerator([{ deal: 'D1', AccountId: 'A1' }, { deal: 'D2', AccountId: 'A9' }]),
 *   join(accounts, { on: 'AccountId', otherOn: 'Id', as: 'account' }),
 *   toArray(),
 * )
 * console.assert(report.records[0]?.account.Name === 'Acme')
 * console.assert(report.droppedByReason['unmatched'] === 1)
 * ```
 *
 * @param other - The build side: a flow of rows, loaded whole before the first record is joined.
 * @param options - The keys, `how`, `as` and the stage name.
 * @returns An operator.
 * @see {@link enrich} with {@link lookupTable}
 * @category operators
 * @since 0.2.0
 */
export function join<A, R extends object, H extends JoinHow = 'inner', N extends string = never>(
  other: Flow<R>,
  options: JoinOptions<A, R, H, N>,
): Operator<A, Joined<A, R, H, N>> {
  const { on, as } = options
  const otherOn = options.otherOn ?? (typeof on === 'string' ? on : undefined)
  if (otherOn === undefined)
    throw new TypeError('join: give otherOn, the other side’s key field, when on is a function')
  const name = options.name ?? 'join'
  const table = lookupTable(other, otherOn as keyof R & string, { name: `${name} build side` })
  const keyFor = typeof on === 'function' ? on : (record: A) => ownField(record, on)
  const merge =
    as === undefined
      ? (record: A, row: object): unknown => ({ ...(record as object), ...row })
      : (record: A, row: object): unknown => ({ ...(record as object), [as]: row })
  return enrichOperator<A, unknown>({
    name,
    lookup: () => undefined,
    concurrency: 1,
    ordered: true,
    onMissing: options.how === 'left' ? 'keep' : 'drop',
    noMatch: () => ({ reason: 'no match' }),
    merge,
    prepare: async (signal, sections) => {
      const lookups = (sections['lookups'] ??= []) as Array<Record<string, unknown>>
      const joins = (sections['joins'] ??= []) as Array<Record<string, unknown>>
      const counts = { name, missingKey: 0, unmatched: 0 }
      joins.push(counts)
      let loaded: LoadedTable<object>
      try {
        loaded = await loadTable(table, signal)
      } catch (error) {
        const report = (error as { report?: RunReport }).report
        if (report !== undefined) lookups.push({ ...report, name: table.name })
        throw error
      }
      lookups.push({ ...loaded.report, name: table.name })
      const rows = loaded.rows
      return (record) => {
        const key = keyOf(keyFor(record as A))
        if (key === undefined) {
          counts.missingKey += 1
          return undefined
        }
        const row = rows.get(key)
        if (row === undefined) counts.unmatched += 1
        return row
      }
    },
    prepareError: (cause) => tableLoadError(name, table.name, cause),
  }) as Operator<A, Joined<A, R, H, N>>
}
