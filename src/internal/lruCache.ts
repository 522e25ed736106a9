/**
 * A least-recently-used cache with an optional time to live, for `enrich`'s lookups.
 *
 * @internal
 * @packageDocumentation
 */

/** @internal */
export interface LruCacheOptions {
  /** The most entries kept; the least recently used goes first (at least 1). */
  readonly maxEntries: number
  /** How long an entry is fresh, in ms (default: for ever). */
  readonly ttlMs?: number
  /** The clock, in ms (default `Date.now`). */
  readonly now?: () => number
}

interface Entry<V> {
  readonly value: V
  readonly expiresAt: number
}

/**
 * A Map in recency order: a hit moves its entry to the end, so the first entry is always the least
 * recently used. Expired entries are removed when they are asked for or pushed out.
 *
 * @internal
 */
export class LruCache<V> {
  private readonly entries = new Map<string, Entry<V>>()
  private readonly maxEntries: number
  private readonly ttlMs: number
  private readonly now: () => number

  constructor(options: LruCacheOptions) {
    if (!(options.maxEntries >= 1))
      throw new RangeError(`cache maxEntries must be at least 1 (got ${options.maxEntries})`)
    if (options.ttlMs !== undefined && !(options.ttlMs > 0))
      throw new RangeError(`cache ttlMs must be above 0 (got ${options.ttlMs})`)
    this.maxEntries = options.maxEntries
    this.ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY
    this.now = options.now ?? Date.now
  }

  /** The fresh entry for `key` (as `{ value }`, since a value may be `undefined`), if any. */
  get(key: string): { readonly value: V } | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.entries.delete(key)
    if (entry.expiresAt <= this.now()) return undefined
    this.entries.set(key, entry)
    return entry
  }

  /** Keeps `value` for `key`, fresh for `ttlMs` (default the cache's own). */
  set(key: string, value: V, ttlMs: number = this.ttlMs): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs })
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (oldest.done === true) break
      this.entries.delete(oldest.value)
    }
  }

  get size(): number {
    return this.entries.size
  }
}
