import type { Flow } from '../core/Flow.js'
import { LOOKUP_TABLE, type LookupTable } from '../core/LookupTable.js'

/**
 * Options of {@link lookupTable}.
 *
 * @category operators
 * @since 0.1.0
 */
export interface LookupTableOptions {
  /** The table's name in `report.lookups` and in errors (default `lookupTable by <keyField>`). */
  readonly name?: string
}

/**
 * Describes a lookup table for `enrich(table, { on })`: the rows of `flow`, keyed by `keyField`.
 * Nothing is read here; each run of the enriching pipeline loads the table once, as it starts, by
 * running `flow` to the end in a run of its own — records that arrive meanwhile wait (open in the
 * run's budget), and none is looked up before the whole table is loaded. That run's report is added
 * to the main report as an entry of `report.lookups` (`{ name, ...RunReport }`); its rows are not
 * counted in the main run's `read`.
 *
 * Keys are compared as strings (`42` matches `'42'`); they and the rows' string fields are copied
 * when kept, so the table does not pin the text it was parsed from. When several rows share a key,
 * **the first one wins**: the later ones are dropped with reason `duplicate` in the table's report
 * (as `dedupe` keeps the first by default). Rows without a key (missing, `null` or `''`) are
 * dropped with reason `missingKey`. Failures in the table's flow (a row that does not parse) are
 * reported in the table's report and leave that row out; a table that cannot be read at all (a
 * missing file, a source that throws) fails the main run with an error naming the table. The whole
 * table is held in memory for the run.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, lookupTable, enrich, toArray } from 'powerflow-etl'
 *
 * const accounts = lookupTable(
 *   fromGenerator([{ Id: 'A1', Name: 'Acme' }, { Id: 'A2', Name: 'Globex' }]),
 *   'Id',
 *   { name: 'accounts' },
 * )
 * const report = await pipe(
 *   fromGenerator([{ deal: 'D1', AccountId: 'A2' }]),
 *   enrich(accounts, { on: 'AccountId', prefix: 'account_', onMissing: 'drop' }),
 *   toArray(),
 * )
 * console.assert(report.records[0]?.account_Name === 'Globex')
 * console.assert((report['lookups'] as Array<{ read: number }>)[0]?.read === 2 && report.read === 1)
 * ```
 *
 * @param flow - the table's rows (from `fromCsv`, `fromJson`, `fromGenerator`, …), read once per run
 * @param keyField - the field of each row to join on
 * @returns a table to pass to {@link enrich}
 * @see enrich
 * @category operators
 * @since 0.1.0
 */
export function lookupTable<R extends object>(
  flow: Flow<R>,
  keyField: keyof R & string,
  options: LookupTableOptions = {},
): LookupTable<R> {
  return {
    [LOOKUP_TABLE]: true,
    name: options.name ?? `lookupTable by ${keyField}`,
    named: options.name !== undefined,
    flow,
    keyField,
  }
}
