/**
 * What an `enrich` stage counts about its lookups — calls, retries, cache hits — for the report's
 * `enrich` section (with the `report` option).
 *
 * @internal
 * @packageDocumentation
 */
import type { EnrichReport } from '../../core/EnrichReport.js'

/** @internal */
export class EnrichCounters {
  calls = 0
  retries = 0
  retryAfterWaits = 0
  failedLookups = 0
  cacheHits = 0
  cacheMisses = 0
  cachedMissHits = 0
  constructor(readonly name: string) {}

  toReport(): EnrichReport {
    return {
      name: this.name,
      calls: this.calls,
      retries: this.retries,
      retryAfterWaits: this.retryAfterWaits,
      failedLookups: this.failedLookups,
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      cachedMissHits: this.cachedMissHits,
    }
  }
}

const listsOf = new WeakMap<Record<string, unknown>, EnrichCounters[]>()

/**
 * Adds a stage's counters to the report's `enrich` section, in `sections` (the run's report
 * sections); the section is made on first use and read when the report is made.
 *
 * @internal
 */
export function reportEnrich(sections: Record<string, unknown>, counters: EnrichCounters): void {
  let list = listsOf.get(sections)
  if (list === undefined) {
    const made: EnrichCounters[] = []
    list = made
    listsOf.set(sections, made)
    Object.defineProperty(sections, 'enrich', {
      enumerable: true,
      configurable: true,
      get: (): EnrichReport[] => made.map((each) => each.toReport()),
    })
  }
  list.push(counters)
}
