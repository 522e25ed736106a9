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
 * What `profile()` found in one column.
 *
 * Exact, from every value: `count`, `missing`, `min`/`max`, `mean`, `stddev`, `length`. While the
 * column has at most 320 distinct values (`topK` × 32, at least 256) everything else is exact too:
 * `distinct`, `topValues` (`topValuesExact`), `types`, `quantiles` within 1 %.
 *
 * Beyond that, estimates with these bounds: `distinct` (HyperLogLog over every value's hash,
 * standard error 0.8 %, within 2 % about 98 % of the time); `topValues` (Misra–Gries: every count
 * within its `error`); `quantiles` and `histogram` (a logarithmic sketch: each quantile within 1 %
 * of the value of that rank; every number goes into it). And once such a column has more than
 * 65,536 values (`sampled` is then set), the top values and the kind of text that does not start
 * like a number (a digit, sign or point) see a seeded sample of one value in 8: their counts are
 * scaled by 8, the top values' `error` then includes 3 standard deviations of that sampling, and
 * those kinds' counts in `types` (and so `typeShare`) are estimates (standard error √(7·count)).
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
  /**
   * The most frequent non-missing values (as text), most frequent first. Unsampled, `count`
   * over-states the true count by at most `error`; sampled, the true count is within `count` ±
   * `error` (99.7 %).
   */
  readonly topValues: ReadonlyArray<{
    readonly value: string
    readonly count: number
    readonly error: number
  }>
  /** Whether every count in `topValues` is exact. */
  readonly topValuesExact: boolean
  /**
   * Set when some figures worked on a sample: after the column's first `after` values, one in
   * `every` (see above for which figures, and their bounds).
   */
  readonly sampled?: { readonly after: number; readonly every: number }
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
