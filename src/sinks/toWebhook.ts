import type { RunOptions } from '../core/RunOptions.js'
import type { Sink } from '../core/Sink.js'
import { webhookSink } from '../internal/webhook/webhookSink.js'

/**
 * Options of {@link toWebhook}: the run's options, the request, batching, concurrency, retries
 * and signing.
 *
 * @category sinks
 * @since 0.1.0
 */
export interface ToWebhookOptions<A = unknown> extends RunOptions {
  /** `POST` (default), `PUT` or `PATCH`. */
  readonly method?: 'POST' | 'PUT' | 'PATCH'
  /**
   * Extra request headers, such as `Authorization`. Every value is treated as a secret and
   * redacted wherever it turns up (an echo in a response body, a failure, the report), except
   * `Accept`, `Content-Type`, `User-Agent` and the like, and the headers named in `publicHeaders`.
   */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Headers of `headers` whose values are harmless and may be shown (`['X-Source']`). A header whose
   * name says it is a secret (`Authorization`, `…-Key`, `…Token`) is redacted anyway.
   */
  readonly publicHeaders?: readonly string[]
  /**
   * Records per request (default 1). With 1, each request's body is the record itself; above 1,
   * a JSON array of records. Capped at half the run's high-water mark, and a partial batch is sent
   * whenever the source waits for budget and at the end (with `checkpoint`, only at the end: batches
   * are then cut by their records alone, so a resume cuts them where the killed run did).
   */
  readonly batchSize?: number
  /** The largest body of a batch in bytes (default 1 MiB); a single larger record goes alone. */
  readonly batchBytes?: number
  /** Wraps each batch in an envelope: `(records) => ({ events: records })`. Always gets an array. */
  readonly body?: (records: readonly A[]) => unknown
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number
  /** Time limit of each request attempt (default 30 s). A timeout is retried. */
  readonly timeoutMs?: number
  /** Retries after the first attempt: at most `retries + 1` attempts per batch (default 3). */
  readonly retries?: number
  /** The smallest backoff delay and the base of its exponential growth (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). Does not cut a `Retry-After`. */
  readonly maxDelayMs?: number
  /** The longest `Retry-After` honoured (default 60 s); a longer one fails the batch saying why. */
  readonly maxRetryAfterMs?: number
  /**
   * Signs each request. The secret is never reported.
   *
   * - `{ secret, header? }` (scheme `powerflow`, the default): one header (default
   *   `PowerFlow-Signature`) with `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
   * - `{ scheme: 'standard-webhooks', secret: 'whsec_…' }`: the Standard Webhooks headers
   *   `webhook-id` (the batch's idempotency key), `webhook-timestamp` and
   *   `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`, which
   *   receivers verify with the `standardwebhooks` libraries. A secret that is not `whsec_` and
   *   the base64 of 24 to 64 bytes is refused when the sink is made.
   */
  readonly signing?:
    | { readonly scheme?: 'powerflow'; readonly secret: string; readonly header?: string }
    | { readonly scheme: 'standard-webhooks'; readonly secret: string }
  /**
   * The idempotency key of a record's request, instead of a fresh random one: records that arrive
   * one after another with the same key are sent together, as one request under that key (and as
   * the `webhook-id` of Standard Webhooks signing); `undefined` gives a fresh key. Use it for keys
   * the receiver already knows (`(deal) => deal.id`); to replay dead letters under their original
   * keys, see {@link replayToWebhook}.
   */
  readonly idempotencyKey?: (record: A) => string | undefined
  /** Extra trusted certificate authorities (PEM) for private endpoints. Certificates are always verified. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>
  /**
   * The most bytes of a response body read (default 1 MiB). A 2xx response with a longer body
   * fails its batch (not retried: the receiver did answer) and its connection is closed.
   */
  readonly maxResponseBytes?: number
}

/**
 * Sends records to an HTTP endpoint as JSON — one per request or in batches — and resolves with
 * the run report, whose `http` section counts requests, batches, retries, status codes, bytes
 * sent and latency percentiles.
 *
 * Each batch carries an `Idempotency-Key` header that stays the same across its retries, so the
 * receiver can drop a duplicate when a response was lost. Network errors, timeouts, 408, 429 and
 * 5xx are retried with exponential backoff and full jitter (`retries`, `minDelayMs`,
 * `maxDelayMs`); a `Retry-After` (seconds or HTTP date) is honoured up to `maxRetryAfterMs`
 * (default 60 s). Other statuses are not retried. A batch that still cannot be delivered becomes
 * an `HttpError` failure for each of its records, with `details: { status, body, attempts }`,
 * handled by the run's policy (collected by default; `deadLetter(...)` or `failFast()` in the
 * pipe apply too).
 *
 * A destination that never answered — every attempt of the run refused, unresolvable or timed
 * out — is an infrastructure fault: the run rejects with a `RunError` and its report. Dead letters
 * keep their batch's key in `details.idempotencyKey`; {@link replayToWebhook} sends them again
 * under it. A response body is read up to `maxResponseBytes` (1 MiB); a longer one fails its batch
 * and its connection is closed.
 *
 * With the `checkpoint` and `state` run options, a killed run is picked up by the next start with
 * `resume: true`, and delivery is at-least-once, effectively-once for a receiver that honours
 * idempotency keys: each batch's key is `<run id>-<n>` (the logical run's id, saved in the state
 * before the first request, and the batch's number), batches are cut by their records alone
 * (`batchSize`, `batchBytes`, a change of `idempotencyKey`, the end), so a batch sent again after a
 * resume is the same body under the same key. A checkpoint saves the source's position only once
 * every request in flight was answered; the batch being filled is saved with it, and sent by the
 * resumed run. See the guide's "State and resume" for what this assumes.
 *
 * Records count against the run's budget until their batch is delivered or failed, so a slow
 * endpoint slows the source instead of filling memory. On abort or fail-fast, requests in flight
 * are cancelled, the connections closed, and undelivered records dropped as `aborted`. Secrets
 * (the value of every header given, except `publicHeaders`; the signing secret;
 * `token`/`api_key`/`jwt`/… query parameters; URL users and passwords) never appear in failures,
 * messages or the report.
 *
 * A receiver verifies a signature like this:
 * ```ts
 * import { createHmac, timingSafeEqual } from 'node:crypto'
 *
 * function verifySignature(header: string, rawBody: string, secret: string, toleranceSeconds = 300): boolean {
 *   const fields = new Map(header.split(',').map((field) => field.split('=', 2) as [string, string]))
 *   const t = fields.get('t') ?? ''
 *   if (!/^\d+$/.test(t) || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false
 *   const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest()
 *   const given = Buffer.from(fields.get('v1') ?? '', 'hex')
 *   return given.length === expected.length && timingSafeEqual(given, expected)
 * }
 * ```
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { pipe, fromGenerator, toWebhook } from 'powerflow-etl'
 *
 * const received: unknown[] = []
 * const server = createServer((request, response) => {
 *   let body = ''
 *   request.on('data', (chunk) => (body += chunk))
 *   request.on('end', () => {
 *     received.push(...JSON.parse(body))
 *     response.end('ok')
 *   })
 * })
 * await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
 * const { port } = server.address() as { port: number }
 *
 * const report = await pipe(
 *   fromGenerator([{ id: 1 }, { id: 2 }, { id: 3 }]),
 *   toWebhook(`http://127.0.0.1:${port}/hooks`, { batchSize: 2, headers: { Authorization: 'Bearer s3cret' } }),
 * )
 * server.close()
 * console.assert(report.written === 3 && received.length === 3)
 * ```
 *
 * @param url - the endpoint (`http:` or `https:`)
 * @param options - request, batching, concurrency, retries, signing and run options
 * @returns a sink: give it a flow, get the run report
 * @category sinks
 * @since 0.1.0
 */
export function toWebhook<A>(url: string | URL, options: ToWebhookOptions<A> = {}): Sink<A> {
  const keyOf = options.idempotencyKey
  return webhookSink<A, A>(url, options, 'toWebhook', {
    payload: (record) => record,
    key: keyOf === undefined ? () => undefined : keyOf,
  })
}
