/**
 * The figures of a run's Salesforce stages, shown as `report.salesforce`, and the bookmark of its
 * incremental source as `report.bookmark`. Every run-context access of the integration is here.
 *
 * @internal
 * @packageDocumentation
 */
import type { Bookmark } from '../../../core/Bookmark.js'
import type { Failure } from '../../../core/Failure.js'
import { currentRun, type RunContext } from '../../../internal/RunContext.js'
import type { SalesforceReport } from '../SalesforceReport.js'

const LIMIT_INFO = /api-usage=(\d+)\/(\d+)/

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

const byRun = new WeakMap<RunContext, SalesforceStats>()

/** The current run's Salesforce figures, attached to its report on first use. @internal */
export function runStats(): SalesforceStats {
  const run = currentRun()
  let stats = byRun.get(run)
  if (stats === undefined) {
    const created = new SalesforceStats()
    stats = created
    byRun.set(run, created)
    Object.defineProperty(run.sections, 'salesforce', {
      enumerable: true,
      configurable: true,
      get: (): SalesforceReport => created.toReport(),
    })
  }
  return stats
}

/** Shows `current()` as the current run's `report.bookmark`. @internal */
export function reportBookmark(current: () => Bookmark | undefined): void {
  Object.defineProperty(currentRun().sections, 'bookmark', {
    enumerable: true,
    configurable: true,
    get: current,
  })
}

/** Adds a warning to the current run's report without counting a record. @internal */
export function warn(failure: Failure): void {
  currentRun().keep(failure)
}
