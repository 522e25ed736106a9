/**
 * The `http` section an HTTP sink (such as `toWebhook`) adds to its run report: requests, batches,
 * retries, status codes, bytes sent and latency percentiles.
 *
 * @category core
 * @since 0.1.0
 */
export interface HttpReport {
  /** Requests sent, retries included. */
  readonly requests: number
  /** Batches (records sent together, each with its own `Idempotency-Key`). */
  readonly batches: number
  /** Requests that were retries of an earlier one. */
  readonly retries: number
  /** Responses by status code: `{ '200': 98, '503': 2 }`. */
  readonly statusCodes: Readonly<Record<string, number>>
  /** Requests that got no response: network errors, resets and timeouts. */
  readonly networkErrors: number
  /** Request body bytes sent, retries included. */
  readonly bytesSent: number
  /** Latency of the requests that got a response, in milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number }
}
