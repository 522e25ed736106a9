/**
 * The `salesforce` section that {@link fromSalesforce} and {@link toSalesforce} add to their run's
 * report (one section shared by every Salesforce stage of the run).
 *
 * @example
 * ```ts
 * import type { SalesforceReport } from 'powerflow-etl/salesforce'
 *
 * const section: SalesforceReport = { requests: 3, retries: 0, apiUsage: { used: 42, limit: 15000 } }
 * console.assert(section.apiUsage !== undefined && section.apiUsage.used < section.apiUsage.limit)
 * ```
 *
 * @category integrations
 * @since 0.2.0
 */
export interface SalesforceReport {
  /** API requests sent, retries included (logins not counted). */
  readonly requests: number
  /** Requests that were retries of an earlier one (429, 503, network errors). */
  readonly retries: number
  /**
   * The org's daily API usage as of the last response, from its `Sforce-Limit-Info` header
   * (`api-usage=used/limit`).
   */
  readonly apiUsage?: { readonly used: number; readonly limit: number }
  /** How the source read: `rest` (query + nextRecordsUrl) or `bulk` (Bulk API 2.0 query job). */
  readonly mode?: 'rest' | 'bulk'
  /** Why the source stopped before the end, such as the daily API quota; absent when it did not. */
  readonly stoppedEarly?: string
}

declare module '../../core/RunReport.js' {
  interface RunReport {
    /** The figures of the run's Salesforce stages (with `powerflow-etl/salesforce`). */
    readonly salesforce?: SalesforceReport
  }
}
