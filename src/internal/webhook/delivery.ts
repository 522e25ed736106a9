/**
 * Delivering one webhook batch: the request with its idempotency key and signature, retries,
 * the `http` statistics, and each record's outcome (written, or an `HttpError` failure). A
 * destination that never answered any request of the run stops the run.
 *
 * @internal
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { failure } from '../../core/Failure.js'
import { RunError } from '../../core/RunError.js'
import type { HttpReport } from '../../core/HttpReport.js'
import type { StageHandle } from '../run/StageHandle.js'
import { RetryExhaustedError, withRetry } from '../retry.js'
import {
  HttpClient,
  HttpResponseTooLargeError,
  HttpStatusError,
  isRetryableHttpError,
  retryAfterOf,
} from '../http/HttpClient.js'
import { HttpStats } from '../http/HttpStats.js'
import { testKnobs } from '../testKnobs.js'
import { bodyOf, type Batch } from './batch.js'
import type { WebhookSettings } from './options.js'

/**
 * Sends batches for one run of a webhook sink, over one connection pool, and settles their
 * records. Adds the `http` section to the run's report.
 *
 * @internal
 */
export class WebhookDelivery<A> {
  private readonly http = new HttpStats()
  private readonly client: HttpClient
  private readonly controller = new AbortController()
  /** Whether the destination ever answered in this run (any status). */
  private answered = false

  constructor(
    private readonly settings: WebhookSettings<A>,
    private readonly stage: StageHandle,
  ) {
    const http = this.http
    Object.defineProperty(stage.sections, 'http', {
      enumerable: true,
      configurable: true,
      get: (): HttpReport => http.toReport(),
    })
    this.client = new HttpClient({
      connections: settings.concurrency,
      redactor: settings.redactor,
      maxResponseBytes: settings.maxResponseBytes,
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    })
  }

  /** Aborted once the run stopped: no new request, and the ones in flight are cancelled. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Sends `batch` (with its retries) and settles its records; never rejects. */
  async deliver(batch: Batch<A>): Promise<void> {
    const key = batch.key ?? batch.idempotencyKey ?? randomUUID()
    this.http.batches += 1
    let body: string
    try {
      body = bodyOf(batch, this.settings)
    } catch (error) {
      const reason = `the body function threw: ${this.settings.redactor.error(error).message}`
      this.failBatch(batch, 'SinkError', reason, { attempts: 0, idempotencyKey: key })
      return
    }
    let attempts = 0
    try {
      await this.send(key, body, (attempt) => (attempts = attempt))
    } catch (error) {
      this.undelivered(batch, key, error, attempts)
      return
    }
    this.stage.write(batch.records.length)
  }

  /** Closes the connections once the requests in flight are done. */
  close(): Promise<void> {
    return this.client.close()
  }

  /** Cancels the requests in flight and their retries; their records are left unsettled. */
  cancel(): void {
    this.controller.abort()
  }

  /** Closes the connections at once. */
  destroy(): Promise<void> {
    return this.client.destroy()
  }

  private async send(
    key: string,
    body: string,
    onAttempt: (attempt: number) => void,
  ): Promise<void> {
    const bytes = Buffer.byteLength(body)
    await withRetry(
      async (attempt, signal) => {
        onAttempt(attempt)
        this.http.request(bytes, attempt)
        await this.request(key, body, signal)
      },
      {
        ...this.settings.retry,
        timeoutMs: this.settings.timeoutMs,
        signal: this.controller.signal,
        isRetryable: isRetryableHttpError,
        retryAfterMs: (error) => retryAfterOf(error, testKnobs.retryAfterScale),
      },
    )
  }

  /** One attempt: the request with this attempt's headers, its latency and status counted. */
  private async request(key: string, body: string, signal: AbortSignal): Promise<void> {
    const { baseHeaders, sign, endpoint, method } = this.settings
    const headers: Record<string, string> = {
      ...baseHeaders,
      'idempotency-key': key,
      ...sign.headersFor(key, body, Math.floor(Date.now() / 1000)),
    }
    const started = performance.now()
    try {
      const response = await this.client.request(endpoint, { method, headers, body, signal })
      this.answered = true
      this.http.response(response.status, performance.now() - started)
    } catch (error) {
      if (error instanceof HttpStatusError || error instanceof HttpResponseTooLargeError) {
        this.answered = true
        this.http.response(error.status, performance.now() - started)
      } else this.http.networkErrors += 1
      throw error
    }
  }

  /** The batch could not be delivered: its records fail, unless the run stopped meanwhile. */
  private undelivered(batch: Batch<A>, key: string, error: unknown, attempts: number): void {
    // Stopped: what is not delivered is dropped as `aborted` by the run.
    if (this.controller.signal.aborted) return
    const redactor = this.settings.redactor
    const last = error instanceof RetryExhaustedError ? error.cause : error
    const status = last instanceof HttpStatusError ? last.status : undefined
    const excerpt = last instanceof HttpStatusError ? last.body : undefined
    const reason = redactor.error(error).message
    const details = {
      ...(status === undefined ? {} : { status }),
      ...(excerpt === undefined ? {} : { body: excerpt }),
      attempts: error instanceof RetryExhaustedError ? error.attempts : attempts,
      idempotencyKey: key,
    }
    this.failBatch(batch, 'HttpError', reason, details, redactor.error(last))
    if (!this.answered) this.neverAnswered(reason)
  }

  /**
   * Every attempt so far got no answer at all (refused, DNS, TLS, timeouts): the destination is
   * down or wrong, an infrastructure fault. The run stops and rejects with its report, as a
   * missing file does; records not yet sent are dropped as `aborted`.
   */
  private neverAnswered(reason: string): void {
    this.stage.fault(
      new RunError(
        `${this.settings.stageName}: the destination never answered (no response to any request of this run): ${reason}`,
      ),
    )
  }

  private failBatch(
    batch: Batch<A>,
    tag: 'HttpError' | 'SinkError',
    reason: string,
    details: Record<string, unknown>,
    cause?: Error,
  ): void {
    const count = batch.records.length
    const what = count === 1 ? 'a record' : `a batch of ${count} records`
    for (const record of batch.records) {
      // Fail-fast stopped the run at the first one: the rest are dropped as `aborted`.
      if (this.stage.stopped) return
      this.stage.failHere(
        failure(tag, {
          stage: this.settings.stageName,
          reason: `could not deliver ${what}: ${reason}`,
          record,
          details,
          ...(cause === undefined ? {} : { cause }),
        }),
      )
    }
  }
}
