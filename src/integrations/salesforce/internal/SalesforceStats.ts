/**
 * The figures of a run's Salesforce stages, shown as `report.salesforce`, and the bookmark of its
 * incremental source as `report.bookmark`, both among the run's report sections (a stage handle's).
 *
 * @internal
 * @packageDocumentation
 */
import type { Bookmark } from '../../../core/Bookmark.js'
import type { SalesforceReport } from '../SalesforceReport.js'

// The org's `api-usage`, wherever it stands in the header: not the `per-app-api-usage` of a
// connected app, which may come first.
const LIMIT_INFO = /(?:^|[^\w-])api-usage=(\d+)\/(\d+)/

/** Mutable figures behind a {@link SalesforceReport}. @internal */
export class SalesforceStats {
  requests = 0
  retries = 0
  apiUsage: { used: number; limit: number } | undefined = undefined
  mode: 'rest' | 'bulk' | undefined = undefined
  stoppedEarly: string | undefined = undefined

  /** Reads `Sforce-Limit-Info` from a response's headers. */
  noteLimitInfo(header: string | string[] | undefined): void {
    const match = LIMIT_INFO.exec(Array.isArray(header) ? header.join(',') : (header ?? ''))
    if (match !== null) this.apiUsage = { used: Number(match[1]), limit: Number(match[2]) }
  }

  toReport(): SalesforceReport {
    return {
      requests: this.requests,
      retries: this.retries,
      ...(this.apiUsage === undefined ? {} : { apiUsage: { ...this.apiUsage } }),
      ...(this.mode === undefined ? {} : { mode: this.mode }),
      ...(this.stoppedEarly === undefined ? {} : { stoppedEarly: this.stoppedEarly }),
    }
  }
}

/** By the run's report sections: one object per run, shared by its stages. */
const byRun = new WeakMap<Record<string, unknown>, SalesforceStats>()

/**
 * The Salesforce figures of the run whose report sections are `sections`, attached to them as
 * `salesforce` on first use.
 *
 * @internal
 */
export function runStats(sections: Record<string, unknown>): SalesforceStats {
  let stats = byRun.get(sections)
  if (stats === undefined) {
    const created = new SalesforceStats()
    stats = created
    byRun.set(sections, created)
    Object.defineProperty(sections, 'salesforce', {
      enumerable: true,
      configurable: true,
      get: (): SalesforceReport => created.toReport(),
    })
  }
  return stats
}

/** Shows `current()` as the run's `report.bookmark`, among its report `sections`. @internal */
export function reportBookmark(
  sections: Record<string, unknown>,
  current: () => Bookmark | undefined,
): void {
  Object.defineProperty(sections, 'bookmark', {
    enumerable: true,
    configurable: true,
    get: current,
  })
}
