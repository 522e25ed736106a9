/**
 * The figures behind a run's {@link HubSpotReport}: one per run, shared by every HubSpot stage
 * of it, attached to the report as its `hubspot` section.
 *
 * @internal
 * @packageDocumentation
 */
import type { RateLimiter } from '../../internal/retry.js'
import type { HubSpotReport } from './HubSpotReport.js'

/** @internal */
export class HubSpotStats {
  requests = 0
  searches = 0
  retries = 0
  rateLimited = 0
  limiterWaits = 0
  limiterWaitMs = 0
  searchWindows = 0
  batchSplits = 0
  dailyRemaining: number | undefined = undefined
  readonly statusCodes: Record<string, number> = {}
  private readonly limiters: { requests?: RateLimiter; searches?: RateLimiter } = {}

  /**
   * The stats of the run whose report sections are `sections` (a stage handle's), attached to
   * them as `hubspot` the first time.
   */
  static of(sections: Record<string, unknown>): HubSpotStats {
    const existing = STATS.get(sections)
    if (existing !== undefined) return existing
    const stats = new HubSpotStats()
    STATS.set(sections, stats)
    Object.defineProperty(sections, 'hubspot', {
      enumerable: true,
      configurable: true,
      get: (): HubSpotReport => stats.toReport(),
    })
    return stats
  }

  /** Remembers the limiters whose limits the report shows. */
  watch(requests: RateLimiter | undefined, searches: RateLimiter | undefined): void {
    if (requests !== undefined) this.limiters.requests = requests
    if (searches !== undefined) this.limiters.searches = searches
  }

  status(code: number | 'network'): void {
    const key = String(code)
    this.statusCodes[key] = (this.statusCodes[key] ?? 0) + 1
  }

  toReport(): HubSpotReport {
    return {
      requests: this.requests,
      searches: this.searches,
      retries: this.retries,
      statusCodes: { ...this.statusCodes },
      rateLimited: this.rateLimited,
      limiterWaits: this.limiterWaits,
      limiterWaitMs: Math.round(this.limiterWaitMs),
      limits: {
        ...(this.limiters.requests === undefined
          ? {}
          : { requests: this.limiters.requests.current }),
        ...(this.limiters.searches === undefined
          ? {}
          : { searches: this.limiters.searches.current }),
      },
      ...(this.dailyRemaining === undefined ? {} : { dailyRemaining: this.dailyRemaining }),
      searchWindows: this.searchWindows,
      batchSplits: this.batchSplits,
    }
  }
}

/** By the run's report sections: one object per run, shared by its stages. */
const STATS = new WeakMap<Record<string, unknown>, HubSpotStats>()
