/**
 * The `http` section of a run report: requests, batches, retries, status codes, bytes sent and
 * latency percentiles.
 *
 * @internal
 * @packageDocumentation
 */
import type { HttpReport } from '../../core/HttpReport.js'

/** How many latencies are kept for the percentiles (a uniform sample beyond that). */
const SAMPLE_SIZE = 10_000

/** Counts what an HTTP stage does. @internal */
export class HttpStats {
  requests = 0
  batches = 0
  retries = 0
  networkErrors = 0
  bytesSent = 0
  readonly statusCodes: Record<string, number> = {}
  private readonly latencies: number[] = []
  private responses = 0

  /** A request is about to be sent. */
  request(bytes: number, attempt: number): void {
    this.requests += 1
    this.bytesSent += bytes
    if (attempt > 1) this.retries += 1
  }

  /** A response arrived (any status). */
  response(status: number, latencyMs: number): void {
    const key = String(status)
    this.statusCodes[key] = (this.statusCodes[key] ?? 0) + 1
    this.responses += 1
    // Reservoir sampling keeps memory bounded on long runs.
    if (this.latencies.length < SAMPLE_SIZE) this.latencies.push(latencyMs)
    else {
      const slot = Math.floor(Math.random() * this.responses)
      if (slot < SAMPLE_SIZE) this.latencies[slot] = latencyMs
    }
  }

  /** The report section. */
  toReport(): HttpReport {
    const sorted = [...this.latencies].sort((a, b) => a - b)
    return {
      requests: this.requests,
      batches: this.batches,
      retries: this.retries,
      statusCodes: { ...this.statusCodes },
      networkErrors: this.networkErrors,
      bytesSent: this.bytesSent,
      latencyMs: {
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
      },
    }
  }
}

/** Nearest-rank percentile of sorted values (0 when there are none). */
function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.max(1, Math.ceil(fraction * sorted.length))
  return Math.round((sorted[rank - 1] as number) * 100) / 100
}
