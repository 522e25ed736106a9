/**
 * The `hubspot` section that {@link fromHubSpot} and {@link toHubSpot} add to the run report: the
 * calls made, the retries and why, the time spent waiting for the rate limiter, and the limits in
 * force at the end (as corrected by HubSpot's `X-HubSpot-RateLimit-*` headers).
 *
 * @category integrations
 * @since 0.2.0
 */
export interface HubSpotReport {
  /** Calls made to HubSpot, retries included. */
  readonly requests: number
  /** Of which search calls (limited separately). */
  readonly searches: number
  /** Calls that were retries of an earlier one. */
  readonly retries: number
  /** Responses by status code (`{ '200': 120, '429': 1 }`); `network` counts calls without one. */
  readonly statusCodes: Readonly<Record<string, number>>
  /** Answers `429 Too Many Requests` (each one retried, after `Retry-After` when given). */
  readonly rateLimited: number
  /** Times a call waited for the limiter, and how long in all (ms). */
  readonly limiterWaits: number
  readonly limiterWaitMs: number
  /** The limits in force at the end: `undefined` when that limiter is off. */
  readonly limits: {
    readonly requests?: { readonly limit: number; readonly windowMs: number }
    readonly searches?: { readonly limit: number; readonly windowMs: number }
  }
  /** What `X-HubSpot-RateLimit-Daily-Remaining` said last, when HubSpot sent it. */
  readonly dailyRemaining?: number
  /** Search queries started over from a new lower bound, before the 10,000-result cap. */
  readonly searchWindows: number
  /** Batches split in two to isolate the records HubSpot refused as a whole batch. */
  readonly batchSplits: number
}
