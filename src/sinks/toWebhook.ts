import { randomUUID } from 'node:crypto'
import type { Flow } from '../core/Flow.js'
import type { RunReport } from '../core/RunReport.js'
import type { RunOptions } from '../core/RunOptions.js'
import { failure } from '../core/Failure.js'
import { runSink } from '../internal/runSink.js'
import { RetryExhaustedError, retryPolicyOf, withRetry } from '../internal/retry.js'
import { Redactor, redactUrl } from '../internal/redact.js'
import { RunError } from '../core/RunError.js'
import { RunStop } from '../internal/RunContext.js'
import {
  HttpClient,
  HttpResponseTooLargeError,
  HttpStatusError,
  isRetryableHttpError,
  retryAfterOf,
} from '../internal/http/HttpClient.js'
import { HttpStats } from '../internal/http/HttpStats.js'
import {
  DEFAULT_SIGNATURE_HEADER,
  STANDARD_WEBHOOKS_PREFIX,
  signatureFor,
  standardWebhooksHeaders,
  standardWebhooksKey,
} from '../internal/http/signing.js'
import { withUrlCredentials } from '../internal/http/urlCredentials.js'
import type { HttpReport } from '../core/HttpReport.js'
import { BatchQueue } from '../internal/BatchQueue.js'

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
   * whenever the source waits for budget and at the end.
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
  /**
   * Multiplies the delay a server asks for in `Retry-After` (default 1). Only for tests against a
   * local server, so `Retry-After: 1` need not cost a second.
   */
  readonly retryAfterScale?: number
}

interface Batch<A> {
  /** The idempotency key the input gave its records, if any. */
  readonly key: string | undefined
  readonly records: A[]
  readonly parts: string[]
  bytes: number
}

const DEFAULTS = {
  batchSize: 1,
  batchBytes: 1024 * 1024,
  concurrency: 4,
  timeoutMs: 30_000,
  maxResponseBytes: 1024 * 1024,
} as const

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
export function toWebhook<A>(
  url: string | URL,
  options: ToWebhookOptions<A> = {},
): (flow: Flow<A>) => Promise<RunReport> {
  const keyOf = options.idempotencyKey
  return webhookSink<A, A>(url, options, 'toWebhook', {
    payload: (record) => record,
    key: keyOf === undefined ? () => undefined : keyOf,
  })
}

/**
 * How a webhook sink reads its input: the record to send, and the idempotency key it must be sent
 * under (`undefined`: a fresh one). {@link toWebhook} sends its records as they are; the replay of
 * dead letters sends each letter's `record` under its original key.
 *
 * @internal
 */
export interface WebhookInput<I, A> {
  readonly payload: (input: I) => A
  readonly key: (input: I) => string | undefined
}

/**
 * The webhook sink's machinery, for {@link toWebhook} and {@link replayToWebhook}: `label` names
 * the sink in stage names and errors.
 *
 * @internal
 */
export function webhookSink<I, A>(
  url: string | URL,
  options: ToWebhookOptions<A>,
  label: string,
  input: WebhookInput<I, A>,
): (flow: Flow<I>) => Promise<RunReport> {
  const target = parseEndpoint(url, label)
  const method = options.method ?? 'POST'
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH')
    throw new TypeError(`${label}: method must be POST, PUT or PATCH (got ${String(method)})`)
  checkNumbers(options, label)
  const sign = signer(options.signing, label)
  const stageName = `${label} ${redactUrl(target)}`
  const configuredBatchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULTS.batchSize))
  const batchBytes = Math.max(1, options.batchBytes ?? DEFAULTS.batchBytes)
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULTS.concurrency))
  const path = `${target.pathname}${target.search}`
  // Credentials in the URL become a Basic header: undici sends only the path.
  const baseHeaders = withUrlCredentials(target, {
    'content-type': 'application/json',
    ...lowerCaseKeys(options.headers ?? {}),
  })
  const endpoint = new URL(`${target.origin}${path}`)
  const redactor = Redactor.forRequest(
    target,
    baseHeaders,
    [options.signing?.secret, ...sign.secrets],
    sign.headers,
    options.publicHeaders === undefined ? {} : { publicHeaders: options.publicHeaders },
  )

  return (flow) =>
    runSink<I>(flow, stageName, options, (run, stats) => {
      const http = new HttpStats()
      Object.defineProperty(run.sections, 'http', {
        enumerable: true,
        configurable: true,
        get: (): HttpReport => http.toReport(),
      })
      const client = new HttpClient({
        connections: concurrency,
        redactor,
        maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      })
      const controller = new AbortController()
      const batchSize = Math.max(
        1,
        Math.min(configuredBatchSize, Math.floor(run.settings.highWaterMark / 2)),
      )
      const batches = new BatchQueue<Batch<A>>(concurrency, controller.signal, run, (batch) =>
        deliver(batch),
      )
      let current: Batch<A> = emptyBatch(undefined)
      /** Whether the destination ever answered in this run (any status). */
      let answered = false

      const bodyOf = (batch: Batch<A>): string => {
        if (options.body !== undefined) return JSON.stringify(options.body(batch.records)) ?? 'null'
        if (configuredBatchSize === 1 && batch.parts.length === 1) return batch.parts[0] as string
        return `[${batch.parts.join(',')}]`
      }

      const send = async (
        key: string,
        body: string,
        onAttempt: (attempt: number) => void,
      ): Promise<void> => {
        const bytes = Buffer.byteLength(body)
        await withRetry(
          async (attempt, signal) => {
            onAttempt(attempt)
            const headers: Record<string, string> = {
              ...baseHeaders,
              'idempotency-key': key,
              ...sign.headersFor(key, body, Math.floor(Date.now() / 1000)),
            }
            http.request(bytes, attempt)
            const started = performance.now()
            try {
              const response = await client.request(endpoint, { method, headers, body, signal })
              answered = true
              http.response(response.status, performance.now() - started)
            } catch (error) {
              if (error instanceof HttpStatusError || error instanceof HttpResponseTooLargeError) {
                answered = true
                http.response(error.status, performance.now() - started)
              } else http.networkErrors += 1
              throw error
            }
          },
          {
            ...retryPolicyOf(options),
            timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
            signal: controller.signal,
            isRetryable: isRetryableHttpError,
            retryAfterMs: (error) => retryAfterOf(error, options.retryAfterScale ?? 1),
          },
        )
      }

      const deliver = async (batch: Batch<A>): Promise<void> => {
        const key = batch.key ?? randomUUID()
        http.batches += 1
        let body: string
        try {
          body = bodyOf(batch)
        } catch (error) {
          failBatch(
            batch,
            'SinkError',
            `the body function threw: ${redactor.error(error).message}`,
            { attempts: 0, idempotencyKey: key },
          )
          return
        }
        let attempts = 0
        try {
          await send(key, body, (attempt) => (attempts = attempt))
        } catch (error) {
          // Stopped: what is not delivered is dropped as `aborted` by the run.
          if (controller.signal.aborted) return
          const last = error instanceof RetryExhaustedError ? error.cause : error
          const status = last instanceof HttpStatusError ? last.status : undefined
          const excerpt = last instanceof HttpStatusError ? last.body : undefined
          const reason = redactor.error(error).message
          failBatch(
            batch,
            'HttpError',
            reason,
            {
              ...(status === undefined ? {} : { status }),
              ...(excerpt === undefined ? {} : { body: excerpt }),
              attempts: error instanceof RetryExhaustedError ? error.attempts : attempts,
              idempotencyKey: key,
            },
            redactor.error(last),
          )
          if (!answered) neverAnswered(reason)
          return
        }
        stats.out += batch.records.length
        run.settle('written', batch.records.length)
      }

      /**
       * Every attempt so far got no answer at all (refused, DNS, TLS, timeouts): the destination is
       * down or wrong, an infrastructure fault. The run stops and rejects with its report, as a
       * missing file does; records not yet sent are dropped as `aborted`.
       */
      const neverAnswered = (reason: string): void => {
        run.stop(
          new RunStop(
            'failed',
            new RunError(
              `${stageName}: the destination never answered (no response to any request of this run): ${reason}`,
            ),
          ),
        )
      }

      const failBatch = (
        batch: Batch<A>,
        tag: 'HttpError' | 'SinkError',
        reason: string,
        details: Record<string, unknown>,
        cause?: Error,
      ): void => {
        const count = batch.records.length
        const what = count === 1 ? 'a record' : `a batch of ${count} records`
        for (const record of batch.records) {
          // Fail-fast stopped the run at the first one: the rest are dropped as `aborted`.
          if (run.stopped !== undefined) return
          stats.failed += 1
          run.fail(
            failure(tag, {
              stage: stageName,
              reason: `could not deliver ${what}: ${reason}`,
              record,
              details,
              ...(cause === undefined ? {} : { cause }),
            }),
          )
        }
      }

      const flush = (): void => {
        if (current.records.length === 0) return
        const full = current
        current = emptyBatch(undefined)
        batches.push(full)
      }

      const stopFlushingOnStall = run.onStall(flush)

      return {
        write(item) {
          const key = input.key(item)
          const record = input.payload(item)
          const part = JSON.stringify(record) as string | undefined
          if (part === undefined) throw new TypeError('the record cannot be sent as JSON')
          const bytes = Buffer.byteLength(part)
          if (key !== current.key) flush()
          else if (
            key === undefined &&
            current.records.length > 0 &&
            current.bytes + bytes + 1 > batchBytes
          )
            flush()
          if (current.records.length === 0) current = emptyBatch(key)
          current.records.push(record)
          current.parts.push(part)
          current.bytes += bytes + 1
          // Records under a given key are sent together, as the batch they were first sent in.
          if (key === undefined && current.records.length >= batchSize) flush()
        },
        async end() {
          flush()
          await batches.drain()
          stopFlushingOnStall()
          await client.close()
        },
        async abort() {
          stopFlushingOnStall()
          batches.clear()
          controller.abort()
          await batches.drain()
          await client.destroy()
        },
      }
    })
}

/** What signing adds to each attempt, and the secrets and header names it makes. */
interface Signer {
  readonly headersFor: (key: string, body: string, unixSeconds: number) => Record<string, string>
  readonly secrets: readonly string[]
  readonly headers: readonly string[]
}

function signer(signing: ToWebhookOptions['signing'], label: string): Signer {
  if (signing === undefined) return { headersFor: () => ({}), secrets: [], headers: [] }
  if (signing.scheme === 'standard-webhooks') {
    let key: Buffer
    try {
      key = standardWebhooksKey(signing.secret)
    } catch (error) {
      throw new TypeError(`${label}: signing: ${(error as Error).message}`)
    }
    return {
      headersFor: (id, body, unixSeconds) => standardWebhooksHeaders(key, id, unixSeconds, body),
      secrets: [signing.secret.slice(STANDARD_WEBHOOKS_PREFIX.length)],
      headers: ['webhook-signature'],
    }
  }
  if (signing.scheme !== undefined && signing.scheme !== 'powerflow')
    throw new TypeError(
      `${label}: signing.scheme must be 'powerflow' or 'standard-webhooks' (got ${String(signing.scheme)})`,
    )
  const header = (signing.header ?? DEFAULT_SIGNATURE_HEADER).toLowerCase()
  return {
    headersFor: (_key, body, unixSeconds) => ({
      [header]: signatureFor(signing.secret, body, unixSeconds),
    }),
    secrets: [],
    headers: [header],
  }
}

function emptyBatch<A>(key: string | undefined): Batch<A> {
  return { key, records: [], parts: [], bytes: 2 }
}

function parseEndpoint(url: string | URL, label: string): URL {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    throw new TypeError(`${label}: not a URL: ${redactUrl(String(url))}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError(`${label}: ${redactUrl(parsed)} is not an http: or https: URL`)
  return parsed
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

/** Rejects numeric options that cannot work (NaN, fractions, zero) when the sink is made. */
function checkNumbers(
  options: Pick<
    ToWebhookOptions,
    | 'batchSize'
    | 'concurrency'
    | 'retries'
    | 'batchBytes'
    | 'timeoutMs'
    | 'minDelayMs'
    | 'maxDelayMs'
    | 'maxResponseBytes'
  >,
  label: string,
): void {
  const wrong = (what: string, value: unknown): never => {
    throw new RangeError(`${label}: ${what} (got ${String(value)})`)
  }
  const whole = (name: string, value: number | undefined, least: number): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= least))
      wrong(`${name} must be a whole number of at least ${least}`, value)
  }
  const positive = (name: string, value: number | undefined, orZero: boolean): void => {
    if (value !== undefined && !(orZero ? value >= 0 : value > 0))
      wrong(`${name} must be ${orZero ? 'at least 0' : 'above 0'}`, value)
  }
  whole('batchSize', options.batchSize, 1)
  whole('concurrency', options.concurrency, 1)
  whole('retries', options.retries, 0)
  positive('batchBytes', options.batchBytes, false)
  positive('timeoutMs', options.timeoutMs, false)
  positive('minDelayMs', options.minDelayMs, true)
  positive('maxDelayMs', options.maxDelayMs, true)
  whole('maxResponseBytes', options.maxResponseBytes, 1)
}
