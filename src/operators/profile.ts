import type { Operator } from '../core/Flow.js'
import type { ProfileReport } from '../core/ColumnProfile.js'
import { stageOperator } from '../internal/stageOperator.js'
import { refuseCheckpoint } from '../internal/checkpoint/operatorState.js'
import { ColumnProfiler } from '../internal/profile/ColumnProfiler.js'
import { registerProfile } from '../internal/profile/profileSection.js'

/**
 * Options of {@link profile}.
 *
 * @category operators
 * @since 0.2.0
 */
export interface ProfileOptions {
  /** The stage name in the report, and the key under `report.profiles` (default `profile`). */
  readonly name?: string
  /** The columns to profile (default: every column of every record, as they appear). */
  readonly columns?: readonly string[]
  /** How many most frequent values to report per column (default 10). */
  readonly topK?: number
  /** Bins of the numeric histogram (default 20). */
  readonly histogramBins?: number
  /** With `columns` unset: at most this many columns are profiled (default 500); the rest are counted. */
  readonly maxColumns?: number
}

/**
 * Profiles the records that pass through, column by column, and passes every record on unchanged.
 * Adds `report.profiles[<stage name>]`: per column the count, missing values (absent, `null`,
 * `''`), an estimate of distinct values, the most frequent values, the inferred type and the share
 * of values that fit it, min and max, and for numeric columns mean, standard deviation, quantiles
 * and a histogram (see {@link ColumnProfile} for which figures are exact, which estimated and
 * which, past 65,536 values of a column with many distinct values, come from a 1-in-8 sample).
 *
 * Memory is fixed per column whatever the number of records (at most about 70 KiB: sketches, not
 * the values, but for a batch of up to 128 of the column's latest values waiting to be added).
 * Numbers given as text (`"1200.50"` from a CSV) count as numbers when the column's inferred type
 * is numeric, so it profiles raw CSV rows and validated records alike. Records that are not
 * objects are profiled as one column named `value`. Failures pass through untouched and
 * are not profiled. The profile is in the report however the run ends.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, profile, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([
 *     { id: 'D1', stage: 'won', amount: '1200' },
 *     { id: 'D2', stage: 'lost', amount: '300.5' },
 *     { id: 'D3', stage: 'won', amount: '' },
 *   ]),
 *   profile({ name: 'deals' }),
 *   toArray(),
 * )
 * const amount = report.profiles?.['deals']?.columns['amount']
 * console.assert(amount?.type === 'number' && amount.missing === 1 && amount.max === 1200)
 * console.assert(report.profiles?.['deals']?.columns['stage']?.topValues[0]?.value === 'won')
 * ```
 *
 * @param options - columns, top values, histogram bins
 * @returns an operator that passes records through and profiles them
 * @category operators
 * @since 0.2.0
 */
export function profile<A>(options: ProfileOptions = {}): Operator<A, A> {
  const name = options.name ?? 'profile'
  const settings = {
    topK: positiveInteger(options.topK, 10, 'topK'),
    histogramBins: positiveInteger(options.histogramBins, 20, 'histogramBins'),
  }
  const maxColumns = positiveInteger(options.maxColumns, 500, 'maxColumns')
  const chosen = options.columns
  return stageOperator<A, A>(
    name,
    (stage) => {
      refuseCheckpoint(stage, 'profiles every record of a run, which a resume would not see')
      const columns = new Map<string, ColumnProfiler>()
      for (const column of chosen ?? []) columns.set(column, new ColumnProfiler(column, settings))
      const fixed = chosen !== undefined ? [...columns.values()] : undefined
      let records = 0
      const omitted = new Set<string>()
      const report = (): ProfileReport => ({
        records,
        columns: ownRecord(
          [...columns].map(([column, profiler]) => [column, profiler.result(records)] as const),
        ),
        columnsOmitted: omitted.size,
      })
      registerProfile(stage.run, name, report)
      const profilerOf = (column: string): ColumnProfiler | undefined => {
        let profiler = columns.get(column)
        if (profiler === undefined) {
          if (columns.size >= maxColumns) {
            if (omitted.size < 10_000) omitted.add(column)
            return undefined
          }
          profiler = new ColumnProfiler(column, settings)
          columns.set(column, profiler)
        }
        return profiler
      }
      const seenColumns: string[] = []
      const seenProfilers: Array<ColumnProfiler | undefined> = []
      const remember = (position: number, column: string): ColumnProfiler | undefined => {
        const profiler = profilerOf(column)
        seenColumns[position] = column
        seenProfilers[position] = profiler
        return profiler
      }
      return {
        next(record) {
          records += 1
          if (fixed !== undefined) {
            const fields = isObject(record) ? (record as Record<string, unknown>) : undefined
            for (const profiler of fixed)
              if (fields !== undefined && Object.hasOwn(fields, profiler.column))
                profiler.push(fields[profiler.column])
          } else if (isObject(record)) {
            // Records mostly share one key order: the profiler at each position is remembered.
            let position = 0
            const plain = isPlain(record as object)
            for (const column in record as object) {
              if (!plain && !Object.hasOwn(record as object, column)) continue
              const profiler =
                seenColumns[position] === column
                  ? seenProfilers[position]
                  : remember(position, column)
              profiler?.push((record as Record<string, unknown>)[column])
              position += 1
            }
          } else profilerOf('value')?.push(record)
          stage.emit(record)
        },
      }
    },
    { oneToOne: true },
  )
}

function isObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !(value instanceof Date) && !Array.isArray(value)
  )
}

/**
 * Whether every key `for…in` gives for `record` is its own: its prototype is `Object.prototype`
 * (with no enumerable keys of its own, checked once per record) or none. Saves an `Object.hasOwn`
 * per column per record, the profile's largest fixed cost.
 */
function isPlain(record: object): boolean {
  const prototype = Object.getPrototypeOf(record) as unknown
  if (prototype === null) return true
  if (prototype !== Object.prototype) return false
  for (const key in Object.prototype) return key === undefined
  return true
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`profile: ${option} must be a positive integer, got ${String(value)}`)
  return value
}

/** An object of own properties, so a column named `__proto__` is kept as a column. */
function ownRecord<V>(entries: ReadonlyArray<readonly [string, V]>): Record<string, V> {
  const out: Record<string, V> = {}
  for (const [key, value] of entries)
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  return out
}
