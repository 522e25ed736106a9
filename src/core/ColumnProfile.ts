/**
 * The type a profile infers for a column: the kind most of its non-missing values have (integers
 * count as numbers and dates as datetimes when the column mixes them), or `empty` when every value
 * is missing.
 *
 * @category core
 * @since 0.2.0
 */
export type ProfiledType =
  'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'email' | 'string' | 'object' | 'empty'

/**
 * What `profile()` found in one column. Exact figures: `count`, `missing`, `types`, `min`/`max`,
 * `mean`, `stddev`, `length`. Estimates from bounded-memory sketches: `distinct` (HyperLogLog,
 * standard error 0.8 %, within 2 % about 98 % of the time), `topValues` (Space-Saving: exact while
 * `topValuesExact`, otherwise each count over-states by at most its `error`), `quantiles` and
 * `histogram` (a logarithmic quantile sketch: each value within 1 % of a value of the column).
 *
 * @category core
 * @since 0.2.0
 */
export interface ColumnProfile {
  readonly column: string
  /** Records the profile saw (the column present or not). */
  readonly count: number
  /** Records where the column is absent, `null`, `undefined` or `''`. */
  readonly missing: number
  /** Estimated number of distinct non-missing values (compared by their text). */
  readonly distinct: number
  /** The most frequent non-missing values (as text), most frequent first. */
  readonly topValues: ReadonlyArray<{
    readonly value: string
    readonly count: number
    readonly error: number
  }>
  /** Whether every count in `topValues` is exact. */
  readonly topValuesExact: boolean
  /** The inferred type. */
  readonly type: ProfiledType
  /** The share (0–1) of non-missing values that fit `type`. */
  readonly typeShare: number
  /** How many non-missing values have each kind. */
  readonly types: Readonly<Partial<Record<Exclude<ProfiledType, 'empty'>, number>>>
  /** Smallest and largest value: numeric for numeric columns, lexical (by text) otherwise. */
  readonly min?: number | string
  readonly max?: number | string
  /** Numeric columns: mean and (population) standard deviation of the numeric values. */
  readonly mean?: number
  readonly stddev?: number
  /** Numeric columns: estimated quantiles. */
  readonly quantiles?: { readonly p50: number; readonly p95: number; readonly p99: number }
  /** Numeric columns: counts in equal-width bins from `min` to `max` (estimated). */
  readonly histogram?: ReadonlyArray<{
    readonly from: number
    readonly to: number
    readonly count: number
  }>
  /** Length in characters of the non-missing values' text. */
  readonly length?: { readonly min: number; readonly max: number; readonly mean: number }
}

/**
 * What one `profile()` stage adds to `report.profiles[<stage name>]`.
 *
 * @category core
 * @since 0.2.0
 */
export interface ProfileReport {
  /** Records the stage profiled. */
  readonly records: number
  /** One profile per column, in the order the columns were first seen. */
  readonly columns: Readonly<Record<string, ColumnProfile>>
  /** Columns seen beyond `maxColumns`, which were not profiled. */
  readonly columnsOmitted: number
}
