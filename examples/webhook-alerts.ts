/**
 * webhook-alerts: post an alert for every big lost deal to a webhook, in batches, with retries.
 *
 *   npx tsx examples/webhook-alerts.ts                        (to a local test receiver)
 *   WEBHOOK_URL=https://hooks.example.com/alerts npx tsx examples/webhook-alerts.ts
 *
 * Reads examples/data/deals.csv, keeps the lost deals worth 20,000 or more, turns each into an
 * alert, and sends them as JSON arrays of 5 to a webhook. Without `WEBHOOK_URL` the program
 * starts its own receiver on 127.0.0.1 that answers `503 Service Unavailable` to the first attempt
 * of every third batch — the way a busy endpoint does — so you can watch `toWebhook` retry: the
 * report's `http` section counts requests, retries and status codes.
 *
 * Every batch carries an `Idempotency-Key` header that stays the same across its retries; the
 * receiver below uses it to ignore a batch it has already accepted (when a response was lost).
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { pathToFileURL } from 'node:url'
import {
  filter,
  fromCsv,
  map,
  pipe,
  toWebhook,
  type HttpReport,
  type RunReport,
} from '../src/index.js'
import { validateDeals, type Deal } from './shared/deals.js'
import { dataFile } from './shared/paths.js'
import { startReceiver, type Receiver } from './shared/receiver.js'

/** What the webhook receives, one per big lost deal. */
export interface Alert {
  readonly type: 'deal.lost'
  readonly dealId: string
  readonly amount: number
  readonly owner: string
  readonly text: string
}

export interface WebhookAlertsOptions {
  /** Send to this endpoint instead of starting a local receiver (the program passes WEBHOOK_URL). */
  readonly url?: string
  /** The local receiver answers 503 to the first attempt of every n-th batch (default 3). */
  readonly failEvery?: number
  /** The smallest wait before a retry, in ms (default 200; doubles with each attempt). */
  readonly retryDelayMs?: number
  /** Print nothing: no progress on stderr, no summary on stdout. */
  readonly quiet?: boolean
}

export interface WebhookAlertsResult {
  readonly report: RunReport
  readonly http: HttpReport
  /** The alerts the local receiver accepted, in arrival order (none when `url` is given). */
  readonly received: readonly Alert[]
}

const BIG_LOSS = 20_000

export async function main(options: WebhookAlertsOptions = {}): Promise<WebhookAlertsResult> {
  const receiver =
    options.url === undefined ? await startAlertReceiver(options.failEvery ?? 3) : undefined
  try {
    const report = await pipe(
      fromCsv(dataFile('deals.csv')),
      validateDeals('deals.csv'),
      filter((deal: Deal) => deal.stage === 'lost' && deal.amount >= BIG_LOSS, {
        name: 'big losses',
      }),
      map(
        (deal): Alert => ({
          type: 'deal.lost',
          dealId: deal.id,
          amount: deal.amount,
          owner: deal.owner,
          text: `Lost ${deal.name} (${deal.id}): ${deal.amount.toLocaleString('en-US')} — owner ${deal.owner}`,
        }),
        { name: 'to alert' },
      ),
      // A record counts as written once its batch is delivered. Network errors, timeouts, 429 and
      // 5xx are retried with exponential backoff; a batch that still fails becomes an HttpError
      // failure for each of its records, in the report (or a dead-letter file, with deadLetter).
      toWebhook<Alert>(options.url ?? receiver?.url ?? '', {
        batchSize: 5,
        concurrency: 2,
        retries: 3,
        minDelayMs: options.retryDelayMs ?? 200,
        timeoutMs: 10_000,
        name: 'webhook-alerts',
        progress: options.quiet !== true,
      }),
    )
    // Sinks add their own sections to the report: toWebhook's is `http`.
    const http = report['http'] as HttpReport
    if (options.quiet !== true) {
      console.log(
        `\n${report.written} alerts delivered to ${receiver === undefined ? 'the webhook' : 'the local receiver'}` +
          `\n  ${http.batches} batches in ${http.requests} requests (${http.retries} retries)` +
          ` · status codes ${JSON.stringify(http.statusCodes)} · p50 ${http.latencyMs.p50} ms`,
      )
      if (report.failed > 0) console.log(`  ${report.failed} failures:`)
      for (const failure of report.failures) console.log(`    - ${failure.message}`)
    }
    return { report, http, received: receiver?.received ?? [] }
  } finally {
    await receiver?.close()
  }
}

/**
 * A stand-in for the real endpoint, on 127.0.0.1 and a port the system picks. It accepts JSON
 * arrays of alerts, except that the first attempt of every `failEvery`-th batch gets a 503.
 */
async function startAlertReceiver(failEvery: number): Promise<Receiver & { received: Alert[] }> {
  const received: Alert[] = []
  const seen = new Set<string>()
  const accepted = new Set<string>()
  const receiver = await startReceiver('/alerts', (headers, body) => {
    const key = String(headers['idempotency-key'])
    const firstAttempt = !seen.has(key)
    seen.add(key)
    if (firstAttempt && seen.size % failEvery === 0) return 503
    if (!accepted.has(key)) {
      accepted.add(key)
      received.push(...(body as Alert[]))
    }
    return 200
  })
  return { ...receiver, received }
}

// Run when executed directly, not when imported (the test suite imports `main`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env['WEBHOOK_URL']
  main(url === undefined || url === '' ? {} : { url }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
