/**
 * One entry of the `enrich` section of a run report: what an {@link enrich} stage with a lookup
 * function did — calls, retries, waits a server asked for, cache hits and misses. The section is
 * an array, one entry per such stage, in the order they subscribed.
 *
 * @category core
 * @since 0.2.0
 */
export interface EnrichReport {
  /** The stage's name. */
  readonly name: string
  /** Calls of the lookup, retries included. */
  readonly calls: number
  /** Calls that were retries of an earlier one. */
  readonly retries: number
  /** Retries that waited the delay an error's `Retry-After` asked for (the others backed off). */
  readonly retryAfterWaits: number
  /** Lookups that still failed after their retries (records failed as TransformErrors). */
  readonly failedLookups: number
  /** Records answered by the cache, or by a lookup already in flight for the same key. */
  readonly cacheHits: number
  /** Records whose key was not in the cache, and that started a lookup. */
  readonly cacheMisses: number
  /** Of the cache hits, those answered by a remembered miss (no match, or a 404). */
  readonly cachedMissHits: number
}
