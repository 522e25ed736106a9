/**
 * `enrich`'s cache of lookup outcomes by key: a match is kept for `ttlMs`, a miss — no match, or a
 * permanent failure (404, 410, an error the retry policy would not retry) — for `missTtlMs`. A
 * transient failure (a timeout, a 503) is never kept: the next record with its key tries again.
 *
 * @internal
 * @packageDocumentation
 */
import { LruCache } from '../lruCache.js'
import { statusFromError } from '../retry.js'
import type { LookupOutcome } from './callLookup.js'
import type { EnrichCounters } from './EnrichCounters.js'

/** @internal */
export interface LookupCacheOptions {
  readonly maxEntries: number
  readonly ttlMs?: number
  /** How long a miss is remembered (default `ttlMs`). */
  readonly missTtlMs?: number
  readonly now?: () => number
}

/** The statuses that say a key has nothing to find: a lookup failing with one is a miss. */
const MISS_STATUSES = new Set([404, 410])

/** @internal */
export class LookupCache {
  private readonly entries: LruCache<LookupOutcome>
  private readonly missTtlMs: number | undefined

  constructor(
    options: LookupCacheOptions,
    private readonly counters: EnrichCounters,
  ) {
    this.entries = new LruCache<LookupOutcome>({
      maxEntries: options.maxEntries,
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(options.now === undefined ? {} : { now: options.now }),
    })
    this.missTtlMs = options.missTtlMs ?? options.ttlMs
  }

  /** The outcome remembered for `key`, as a record gets it (a failure marked `cached`). */
  get(key: string): LookupOutcome | undefined {
    const hit = this.entries.get(key)
    if (hit === undefined) return undefined
    this.counters.cacheHits += 1
    const remembered = hit.value
    if (!remembered.ok || remembered.value === undefined || remembered.value === null)
      this.counters.cachedMissHits += 1
    return remembered.ok ? remembered : { ...remembered, cached: true }
  }

  /** Keeps a lookup's outcome for its key, if it is a match, a miss or a permanent failure. */
  remember(key: string, outcome: LookupOutcome): void {
    if (outcome.ok) {
      const nothing = outcome.value === undefined || outcome.value === null
      this.set(key, outcome, nothing)
    } else if (isPermanent(outcome)) {
      const { cached: _, ...kept } = outcome
      this.set(key, kept, true)
    }
  }

  private set(key: string, outcome: LookupOutcome, miss: boolean): void {
    if (miss && this.missTtlMs !== undefined) this.entries.set(key, outcome, this.missTtlMs)
    else this.entries.set(key, outcome)
  }
}

/**
 * Whether a failed lookup is permanent, so its key may be remembered as a miss: it failed with
 * 404 or 410, or with an error the retry policy would not retry.
 */
function isPermanent(outcome: Extract<LookupOutcome, { ok: false }>): boolean {
  if (outcome.gaveUp === 'not-retryable') return true
  const status = statusFromError(outcome.cause ?? outcome.error)
  return status !== undefined && MISS_STATUSES.has(status)
}
