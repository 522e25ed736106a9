import type { Observable } from 'rxjs'
import type { Operator } from '../core/Flow.js'
import type { RunReport } from '../core/RunReport.js'
import { enrichOperator, type EnrichConfig } from '../internal/enrich/enrichOperator.js'
import {
  isTableSpec,
  keyOf,
  loadTable,
  tableLoadError,
  type LoadedTable,
} from '../internal/enrich/table.js'
import { retryAfterFromError, statusFromError, type RetryOptions } from '../internal/retry.js'
import type { LookupTable } from '../core/LookupTable.js'
import { ownField } from '../internal/keys.js'
import { checkNumericOptions } from '../internal/numericOptions.js'

/**
 * What {@link enrich} does with a record its lookup found nothing for (`undefined` or `null`):
 * `keep` it as it is, `drop` it (counted as dropped, reason `unmatched`), or `fail` it (a `Left`
 * TransformError).
 *
 * @category operators
 * @since 0.1.0
 */
export type OnMissing = 'keep' | 'drop' | 'fail'

/**
 * What a lookup may return: the fields to merge, a promise of them, or an Observable whose first
 * value is used (an Observable that completes empty finds nothing). `undefined` or `null`: no match.
 *
 * @category operators
 * @since 0.1.0
 */
export type LookupResult<B> = B | PromiseLike<B> | Observable<B>

/**
 * A lookup for {@link enrich}: given a record and an `AbortSignal` (aborted on timeout and when the
 * run stops), the fields to merge into it.
 *
 * @category operators
 * @since 0.1.0
 */
export type Lookup<A, B> = (record: A, signal: AbortSignal) => LookupResult<B>

/**
 * A record with fields merged in, as `{ ...record, ...fields }` makes it: where both have a field,
 * the merged-in one wins, type included.
 *
 * @category operators
 * @since 0.1.0
 */
export type Enriched<A, B> = Omit<A, keyof B> & B

/**
 * The fields of `R` with `P` before each name: `Prefixed<{ Name: string }, 'account_'>` is
 * `{ account_Name: string }`.
 *
 * @category operators
 * @since 0.1.0
 */
export type Prefixed<R, P extends string> = { [K in keyof R & string as `${P}${K}`]: R[K] }

/**
 * The output type of {@link enrich}: the merged record, or — when records without a match are kept
 * and the lookup may find nothing — either the merged record or the record as it came.
 *
 * @category operators
 * @since 0.1.0
 */
export type EnrichOutput<A, B, M extends OnMissing> = M extends 'drop' | 'fail'
  ? Enriched<A, NonNullable<B>>
  : [Extract<B, null | undefined>] extends [never]
    ? Enriched<A, B>
    : A | Enriched<A, NonNullable<B>>

/**
 * A cache of {@link enrich}'s lookups: least recently used entries go first.
 *
 * @category operators
 * @since 0.1.0
 */
export interface EnrichCacheOptions<A> {
  /** The key of a record's lookup: records with equal keys share one lookup. */
  readonly key: (record: A) => string
  /** The most entries kept (default 10,000). */
  readonly maxEntries?: number
  /** How long an entry is used, in ms (default: for the whole run). */
  readonly ttlMs?: number
  /**
   * How long a miss is remembered, in ms (default `ttlMs`): a lookup that found nothing, or that
   * failed for good — with status 404 or 410 (`error.status`, `error.statusCode` or
   * `error.response.status`), or with an error `retries.isRetryable` refuses. Records with the
   * same key then get the same outcome without a call. Transient failures are never remembered.
   */
  readonly missTtlMs?: number
  /** The clock for `ttlMs` (default `Date.now`). */
  readonly now?: () => number
}

/**
 * How {@link enrich} retries a lookup that failed (threw, rejected, errored or timed out).
 *
 * @category operators
 * @since 0.1.0
 */
export interface EnrichRetryOptions {
  /** Retries after the first attempt. */
  readonly retries: number
  /** The smallest wait between attempts, the base of exponential backoff (default 100 ms). */
  readonly minDelayMs?: number
  /** The longest wait between attempts (default 10 s). */
  readonly maxDelayMs?: number
  /**
   * Whether an error is transient, worth another attempt (default: every error is, except one
   * with status 404 or 410).
   */
  readonly isRetryable?: (error: unknown) => boolean
  /**
   * The delay, in ms, an error says the server asked for (default: its `retryAfterMs`, or the
   * `Retry-After` header of `error.headers` or `error.response.headers`, in seconds or as an HTTP
   * date). It is waited instead of the backoff, even beyond `maxDelayMs`.
   */
  readonly retryAfterMs?: (error: unknown) => number | undefined
  /** The longest `Retry-After` honoured (default 60 s); a longer one fails the record saying why. */
  readonly maxRetryAfterMs?: number
}

/**
 * Options of {@link enrich} with a lookup function.
 *
 * @category operators
 * @since 0.1.0
 */
export interface EnrichOptions<A, M extends OnMissing = OnMissing> {
  /** The stage name in the report and hooks (default `enrich`). */
  readonly name?: string
  /** The most lookups in flight at once (default 4). */
  readonly concurrency?: number
  /** Emit in input order (default true); `false` emits each record as its lookup finishes. */
  readonly ordered?: boolean
  /** Remember lookups by key; a hit is answered synchronously. */
  readonly cache?: EnrichCacheOptions<A>
  /** A time limit for each call of the lookup, in ms; its signal aborts when it passes. */
  readonly timeoutMs?: number
  /** Retries of failed lookups (default none): a number of retries, or a policy. */
  readonly retries?: number | EnrichRetryOptions
  /** What to do when the lookup finds nothing (default `keep`). */
  readonly onMissing?: M
  /**
   * At most `limit` calls of the lookup in any `windowMs` milliseconds (retries included), through
   * PowerFlow's shared rate limiter; calls wait their turn in order.
   */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number }
}

/**
 * Options of {@link enrich} with a {@link LookupTable}.
 *
 * @category operators
 * @since 0.1.0
 */
export interface EnrichTableOptions<A, P extends string = '', M extends OnMissing = OnMissing> {
  /** The record's field to join on, or a function giving its key. Keys compare as strings. */
  readonly on: (keyof A & string) | ((record: A) => unknown)
  /** Put before the names of the table's fields, to keep them apart from the record's. */
  readonly prefix?: P
  /** The stage name in the report and hooks (default `enrich <table name>`, or `enrich`). */
  readonly name?: string
  /** What to do when the table has no row for the key (default `keep`). */
  readonly onMissing?: M
}

/**
 * Merges extra fields into each record: `{ ...record, ...found }`, never mutating the record. The
 * fields come from `lookup(record, signal)` — a value, a promise, or an Observable (its first
 * value) — or from a {@link lookupTable} joined on a field.
 *
 * - **Concurrency and order.** At most `concurrency` lookups run at once (default 4); output is in
 *   input order (failures passing through keep their place too) unless `ordered: false`, which
 *   emits each record as its lookup finishes. Records waiting for a lookup stay open in the run's
 *   budget, so a slow lookup makes the source wait instead of filling memory.
 * - **Cache.** With `cache: { key }`, records with the same key share one lookup (while it runs,
 *   and afterwards for `ttlMs`, up to `maxEntries`, least recently used first); a hit is answered
 *   synchronously. Matches are kept for `ttlMs`; misses — no match, or a lookup that failed
 *   for good (status 404 or 410, or an error `retries.isRetryable` refuses) — for `missTtlMs`;
 *   transient failures are not kept.
 * - **Failures.** Options that cannot work (`concurrency: 0`) throw a RangeError when the
 *   operator is made. A lookup that throws, rejects, errors or times out (`timeoutMs`, per call) is
 *   retried per `retries` (through PowerFlow's retry module: exponential backoff with jitter,
 *   and the `Retry-After` an error carries — `error.retryAfterMs`, or the header in
 *   `error.headers` or `error.response.headers` — waited instead, up to `maxRetryAfterMs`; a 404
 *   or 410 is not retried); when it still fails, that record becomes a `Left` TransformError with
 *   the cause, `details.attempts` and the source's file and line, and the stream goes on. A lookup
 *   that finds nothing follows `onMissing`. `rateLimit: { limit, windowMs }` spaces the calls.
 * - **Report.** With a lookup function, the report's `enrich` section (an array of
 *   {@link EnrichReport}, one per stage) counts calls, retries, waits a server asked for, failed
 *   lookups, cache hits and misses.
 * - **Completion and unsubscribe.** When the input completes, the output completes after the
 *   lookups in flight. On unsubscribe (or when the run stops) the pending lookups' signals abort,
 *   Observable lookups are unsubscribed and no timer is left behind.
 * - **Tables.** `enrich(lookupTable(flow, 'Id'), { on: 'AccountId' })` loads the table once per run,
 *   before the first lookup (see {@link lookupTable}), then joins synchronously; `prefix` renames
 *   the table's fields (`account_Name`). A table that cannot be loaded fails the run.
 *
 * Types: the output is {@link Enriched} (`Omit<A, keyof B> & B`, what the spread makes). When
 * `onMissing` is `keep` (the default) and the lookup's type admits `undefined` or `null` (a table
 * always does), a record may also come out unchanged: the output is `A | Enriched<A, B>`; choose
 * `drop` or `fail` to get only merged records.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, enrich, toArray } from 'powerflow-etl'
 *
 * const regions: Record<string, string> = { '75': 'Île-de-France', '69': 'Rhône' }
 * const report = await pipe(
 *   fromGenerator([{ id: 'D1', zip: '75011' }, { id: 'D2', zip: '99999' }]),
 *   enrich(
 *     async (deal: { id: string; zip: string }) => {
 *       const region = regions[deal.zip.slice(0, 2)]
 *       return region === undefined ? undefined : { region }
 *     },
 *     { concurrency: 8, onMissing: 'drop', cache: { key: (deal) => deal.zip.slice(0, 2) } },
 *   ),
 *   toArray(),
 * )
 * console.assert(report.records[0]?.region === 'Île-de-France')
 * console.assert(report.droppedByReason['unmatched'] === 1)
 * ```
 *
 * @param lookup - a lookup function, or a table from {@link lookupTable}
 * @param options - see {@link EnrichOptions} and {@link EnrichTableOptions}
 * @returns an operator from records to enriched records
 * @see lookupTable
 * @category operators
 * @since 0.1.0
 */
export function enrich<A, R extends object, P extends string = '', M extends OnMissing = 'keep'>(
  lookup: LookupTable<R>,
  options: EnrichTableOptions<A, P, M>,
): Operator<
  A,
  M extends 'drop' | 'fail' ? Enriched<A, Prefixed<R, P>> : A | Enriched<A, Prefixed<R, P>>
>
export function enrich<A, B extends object | null | undefined, M extends OnMissing = 'keep'>(
  lookup: Lookup<A, B>,
  options?: EnrichOptions<A, M>,
): Operator<A, EnrichOutput<A, B, M>>
export function enrich<A>(
  lookup: Lookup<A, unknown> | LookupTable<object>,
  options: EnrichOptions<A> | EnrichTableOptions<A> = {},
): Operator<A, unknown> {
  if (isTableSpec(lookup)) return enrichFromTable(lookup, options as EnrichTableOptions<A>)
  return enrichWithLookup(lookup as Lookup<A, unknown>, options as EnrichOptions<A>)
}

/** Rejects options that cannot work, when the operator is made rather than when it runs. */
function checkOptions<A>(name: string, options: EnrichOptions<A>): void {
  const check = checkNumericOptions(name)
  const { retries, cache, rateLimit: limit } = options
  check.whole('concurrency', options.concurrency, 1)
  check.positive('timeoutMs', options.timeoutMs)
  check.whole('retries', typeof retries === 'object' ? retries.retries : retries, 0)
  check.whole('cache.maxEntries', cache?.maxEntries, 1)
  check.positive('cache.ttlMs', cache?.ttlMs)
  check.positive('cache.missTtlMs', cache?.missTtlMs)
  if (limit === undefined) return
  const given = checkNumericOptions(name, 'required')
  given.whole('rateLimit.limit', limit.limit, 1)
  given.positive('rateLimit.windowMs', limit.windowMs)
}

function enrichWithLookup<A>(
  lookup: Lookup<A, unknown>,
  options: EnrichOptions<A>,
): Operator<A, unknown> {
  const name = options.name ?? 'enrich'
  checkOptions(name, options)
  const retry = retryOptions(options)
  const cache = options.cache
  const config: EnrichConfig<A, unknown> = {
    name,
    lookup,
    concurrency: options.concurrency ?? 4,
    ordered: options.ordered ?? true,
    onMissing: options.onMissing ?? 'keep',
    noMatch: () => ({ reason: 'the lookup found nothing (onMissing: fail)' }),
    merge: (record, found) => ({ ...(record as object), ...found }),
    report: true,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    ...(cache === undefined
      ? {}
      : {
          cache: {
            key: cache.key,
            maxEntries: cache.maxEntries ?? 10_000,
            ...(cache.ttlMs === undefined ? {} : { ttlMs: cache.ttlMs }),
            ...(cache.missTtlMs === undefined ? {} : { missTtlMs: cache.missTtlMs }),
            ...(cache.now === undefined ? {} : { now: cache.now }),
          },
        }),
    ...(retry === undefined ? {} : { retry }),
  }
  return enrichOperator(config)
}

function retryOptions<A>(options: EnrichOptions<A>): RetryOptions | undefined {
  const { retries, timeoutMs } = options
  if (retries === undefined && timeoutMs === undefined) return undefined
  const policy: EnrichRetryOptions =
    typeof retries === 'object' ? retries : { retries: retries ?? 0 }
  return {
    retries: policy.retries,
    ...(policy.minDelayMs === undefined ? {} : { minDelayMs: policy.minDelayMs }),
    ...(policy.maxDelayMs === undefined ? {} : { maxDelayMs: policy.maxDelayMs }),
    ...(policy.maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs: policy.maxRetryAfterMs }),
    isRetryable: policy.isRetryable ?? isTransient,
    retryAfterMs: policy.retryAfterMs ?? retryAfterFromError,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  }
}

/** By default every error is worth another attempt, except a 404 or 410: nothing to find there. */
function isTransient(error: unknown): boolean {
  const status = statusFromError(error)
  return status !== 404 && status !== 410
}

function enrichFromTable<A>(
  table: LookupTable<object>,
  options: EnrichTableOptions<A>,
): Operator<A, unknown> {
  const name = options.name ?? (table.named ? `enrich ${table.name}` : 'enrich')
  const on = options.on
  // Own properties only: `on: 'constructor'` must not join on Object's constructor.
  const keyFor = typeof on === 'function' ? on : (record: A) => ownField(record, on)
  const prefix = options.prefix ?? ''
  const merge =
    prefix === ''
      ? (record: A, row: object): unknown => ({ ...(record as object), ...row })
      : (record: A, row: object): unknown => {
          const merged: Record<string, unknown> = { ...(record as object) }
          for (const [field, value] of Object.entries(row))
            Object.defineProperty(merged, prefix + field, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            })
          return merged
        }
  return enrichOperator<A, unknown>({
    name,
    // Until the table is loaded there is nothing to look up: `prepare` gives the real lookup.
    lookup: () => undefined,
    concurrency: 1,
    ordered: true,
    onMissing: options.onMissing ?? 'keep',
    noMatch: (record) => {
      const key = keyOf(keyFor(record))
      const shown = key === undefined ? 'an empty key' : JSON.stringify(key)
      return typeof on === 'function'
        ? { reason: `no match for key ${shown}` }
        : { reason: `no match for ${shown}`, field: on }
    },
    merge,
    prepare: async (signal, sections) => {
      const lookups = (sections['lookups'] ??= []) as Array<Record<string, unknown>>
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
        const key = keyOf(keyFor(record))
        return key === undefined ? undefined : rows.get(key)
      }
    },
    prepareError: (cause) => tableLoadError(name, table.name, cause),
  })
}
