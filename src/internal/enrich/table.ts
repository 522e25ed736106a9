/**
 * Loading a lookup table: the table's flow runs to the end in a run of its own, outside the main
 * run, into a Map keyed by one field. Its report becomes an entry of the main report's `lookups`.
 *
 * @internal
 * @packageDocumentation
 */
import type { RunReport } from '../../core/RunReport.js'
import { LOOKUP_TABLE, type LookupTable } from '../../core/LookupTable.js'
import { describeError } from '../../core/Failure.js'
import { outsideRun } from '../run/currentRun.js'
import { runSink } from '../runSink.js'
import { detachString, detachValue, ownField } from '../keys.js'

/** A loaded table and the report of its load. @internal */
export interface LoadedTable<R> {
  readonly rows: ReadonlyMap<string, R>
  readonly report: RunReport
}

/** @internal */
export function isTableSpec(value: unknown): value is LookupTable<unknown> {
  return typeof value === 'object' && value !== null && LOOKUP_TABLE in value
}

/**
 * The key of a row or a record as a string, or `undefined` when it has none (missing, `null`,
 * the empty string, an invalid Date). Numbers and strings that read the same are the same key: `42` and `'42'`.
 *
 * @internal
 */
export function keyOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  // An invalid Date has no ISO text (toISOString throws): no key, like a missing one.
  if (typeof value === 'object')
    return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined
  // A function is never a key from data (an inherited method, most likely).
  if (typeof value === 'function') return undefined
  return String(value)
}

/**
 * A row whose strings share nothing with the text it was parsed from (see {@link detachValue}).
 * Fields are defined, not assigned, so a `__proto__` column stays a column.
 */
function detachRow<R>(row: R): R {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return row
  const copy: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(row))
    Object.defineProperty(copy, field, {
      value: detachValue(value),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  return copy as R
}

/**
 * Reads the whole table in its own run (`outsideRun`, so it is not counted in the main run's
 * `read`). The first row of each key wins; later rows with the same key are dropped (reason
 * `duplicate`) and rows without a key too (reason `missingKey`), so the table's report adds up.
 * Resolves with the rows and the report; rejects (with the report as `error.report`) when the
 * table cannot be read, and with an `AbortError` naming the table and the signal's reason
 * (`<table>: run aborted: <reason>`, the report as `error.report`) when `signal` aborts.
 *
 * @internal
 */
export async function loadTable<R>(
  spec: LookupTable<R>,
  signal: AbortSignal,
): Promise<LoadedTable<R>> {
  const rows = new Map<string, R>()
  const report = await outsideRun(() =>
    runSink<R>(spec.flow, 'lookupTable', { name: spec.name, signal }, (stage) => {
      return {
        write(row) {
          const key = keyOf(ownField(row, spec.keyField))
          if (key === undefined) stage.drop('missingKey')
          else if (rows.has(key)) stage.drop('duplicate')
          else {
            rows.set(detachString(key), detachRow(row))
            stage.write()
          }
        },
        end: async () => undefined,
        abort: async () => undefined,
      }
    }),
  )
  return { rows, report }
}

/** The error that fails the main run when its table cannot be loaded. @internal */
export function tableLoadError(stage: string, tableName: string, cause: unknown): Error {
  return new Error(
    `${stage}: could not load the lookup table ${tableName}: ${describeError(cause)}`,
    {
      cause,
    },
  )
}
