import type { Client } from '@hubspot/api-client'
import { describeError } from '../../../core/Failure.js'
import type { Redactor } from '../../../internal/redact.js'
import {
  AttemptTimeoutError,
  RateLimiter,
  RetryExhaustedError,
  parseRetryAfter,
  withRetry,
  type RetryPolicy,
} from '../../../internal/retry.js'
import { testKnobs } from '../../../internal/testKnobs.js'
import { HubSpotConnection } from '../HubSpotConnection.js'
import type { HubSpotStats } from '../HubSpotStats.js'

/** What every generated `…WithHttpInfo` method of the client resolves to. @internal */
export interface HubSpotHttpInfo<T> {
  readonly httpStatusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly data: T
}

/** The connection's settings, resolved from the `hubspot` options. @internal */
export interface HubSpotSettings extends RetryPolicy {
  readonly basePath: string
}

/**
 * HubSpot's answer, as the client throws it (`ApiException`: `code`, `body`, `headers`). @internal
 */
interface ApiError {
  readonly code: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * The run could not go on: HubSpot refused the token, or went on failing after the retries.
 * Its message is safe to show (no token) and names the call.
 *
 * @internal
 */
export class HubSpotCallError extends Error {
  override readonly name: string = 'HubSpotCallError'
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly category: string | undefined,
    readonly body: unknown,
  ) {
    super(message)
  }
}

/**
 * How PowerFlow calls HubSpot on a connection's behalf: the rate limiters and retry settings every
 * source and sink on the connection share, and the redactor that keeps its token out of messages.
 *
 * @internal
 */
export class HubSpotApi {
  constructor(
    readonly settings: HubSpotSettings,
    readonly requestLimiter: RateLimiter | undefined,
    readonly searchLimiter: RateLimiter | undefined,
    readonly redactor: Redactor,
  ) {}

  /**
   * Makes one call through the limiter of its kind, with retries: 429 (after `Retry-After` when
   * HubSpot sends one), 5xx, network errors and timeouts are retried; 401 once at most; anything
   * else is not. The `X-HubSpot-RateLimit-*` headers of each answer correct the limiter. Rejects
   * with a {@link HubSpotCallError} naming `what`, or with the signal's reason when it aborts.
   */
  async call<T>(
    what: string,
    kind: 'search' | 'general',
    stats: HubSpotStats,
    signal: AbortSignal | undefined,
    request: () => Promise<HubSpotHttpInfo<T>>,
  ): Promise<T> {
    const limiter = kind === 'search' ? this.searchLimiter : this.requestLimiter
    stats.watch(this.requestLimiter, this.searchLimiter)
    let attempts = 0
    try {
      return await withRetry(
        async (attempt, attemptSignal) => {
          attempts = attempt
          let done: (() => void) | undefined
          if (limiter !== undefined) {
            const asked = performance.now()
            // Counted from when the answer is back: HubSpot counts arrivals, which come between.
            done = await limiter.acquireUntilDone(signal)
            // A call given up on (timeout, abort) ends there for the limiter too.
            attemptSignal.addEventListener('abort', done, { once: true })
            const waited = performance.now() - asked
            if (waited >= 1) {
              stats.limiterWaits += 1
              stats.limiterWaitMs += waited
            }
          }
          stats.requests += 1
          if (kind === 'search') stats.searches += 1
          if (attempt > 1) stats.retries += 1
          try {
            const answer = await request()
            done?.()
            stats.status(answer.httpStatusCode)
            this.learn(answer.headers, limiter, stats)
            return answer.data
          } catch (error) {
            done?.()
            if (isApiError(error)) {
              stats.status(error.code)
              if (error.code === 429) {
                stats.rateLimited += 1
                // The window is full, whatever the limiter thought: the next calls wait.
                limiter?.adjust({ remaining: 0 })
              } else this.learn(error.headers ?? {}, limiter, stats)
            } else stats.status('network')
            throw error
          }
        },
        {
          ...this.settings,
          ...(signal === undefined ? {} : { signal }),
          isRetryable: (error) => isRetryable(error, attempts),
          retryAfterMs: (error) =>
            isApiError(error) && error.code === 429
              ? scaled(parseRetryAfter(error.headers?.['retry-after']), testKnobs.retryAfterScale)
              : undefined,
        },
      )
    } catch (error) {
      if (signal?.aborted === true) throw error
      throw this.explain(what, error)
    }
  }

  /** Corrects the limiter from `X-HubSpot-RateLimit-*` (https://developers.hubspot.com/docs/api/usage-details). */
  private learn(
    headers: Readonly<Record<string, string>>,
    limiter: RateLimiter | undefined,
    stats: HubSpotStats,
  ): void {
    const number = (name: string): number | undefined => {
      const value = headers[name]
      return value === undefined || value === '' ? undefined : Number(value)
    }
    const daily = number('x-hubspot-ratelimit-daily-remaining')
    if (daily !== undefined && Number.isFinite(daily)) stats.dailyRemaining = daily
    if (limiter === undefined) return
    const limit = number('x-hubspot-ratelimit-max')
    const interval = number('x-hubspot-ratelimit-interval-milliseconds')
    const remaining = number('x-hubspot-ratelimit-remaining')
    limiter.adjust({
      ...(limit === undefined ? {} : { limit }),
      ...(interval === undefined ? {} : { windowMs: interval }),
      ...(remaining === undefined ? {} : { remaining }),
    })
  }

  /** A readable, token-free error for a call that could not be made. */
  private explain(what: string, error: unknown): HubSpotCallError {
    const last = error instanceof RetryExhaustedError ? error.cause : error
    const attempts =
      error instanceof RetryExhaustedError
        ? `${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`
        : undefined
    const tooLong =
      error instanceof RetryExhaustedError && error.reason === 'retry-after-too-long'
        ? `HubSpot asked to retry after more than maxRetryAfterMs (${this.settings.maxRetryAfterMs} ms); `
        : ''
    const tries = attempts === undefined ? '' : ` (${tooLong}${attempts})`
    if (isApiError(last)) {
      const { category, message } = errorBody(last.body)
      const said = message === undefined ? '' : `: ${this.redactor.text(message)}`
      const text =
        last.code === 401
          ? `${what}: HubSpot refused the access token (401 ${category ?? 'Unauthorized'}): it is expired, revoked or not a token of this account; make a new private-app token or refresh the OAuth token${tries}`
          : `${what}: HubSpot answered ${last.code}${category === undefined ? '' : ` ${category}`}${said}${tries}`
      return new HubSpotCallError(text, last.code, category, this.redactor.value(last.body))
    }
    const cause = last instanceof AttemptTimeoutError ? last.message : describeError(last)
    return new HubSpotCallError(
      `${what}: could not reach HubSpot at ${this.settings.basePath}: ${this.redactor.text(cause)}${tries}`,
      undefined,
      undefined,
      undefined,
    )
  }
}

/** Whether HubSpot answered (with an error status), as the client reports it. @internal */
export function isApiError(error: unknown): error is ApiError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'number' &&
    'body' in error
  )
}

/** HubSpot's error body fields (`category`, `message`), when there are. @internal */
export function errorBody(body: unknown): { category?: string; message?: string } {
  if (body === null || typeof body !== 'object') return {}
  const { category, message } = body as { category?: unknown; message?: unknown }
  return {
    ...(typeof category === 'string' ? { category } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  }
}

function isRetryable(error: unknown, attempts: number): boolean {
  // No answer: a network error (node-fetch's FetchError, a socket error code) or a timeout.
  if (!isApiError(error))
    return (
      error instanceof AttemptTimeoutError ||
      (error instanceof Error &&
        (error.name === 'FetchError' || typeof (error as { code?: unknown }).code === 'string'))
    )
  if (error.code === 401) return attempts < 2
  return error.code === 429 || error.code >= 500
}

function scaled(ms: number | undefined, scale: number): number | undefined {
  return ms === undefined ? undefined : ms * scale
}

const APIS = new WeakMap<HubSpotConnection, HubSpotApi>()

/** A connection over `client` whose calls go through `api`. @internal */
export function connectionWith(client: Client, api: HubSpotApi): HubSpotConnection {
  const connection = new HubSpotConnection(client)
  APIS.set(connection, api)
  return connection
}

/** How to call HubSpot for `connection`, made by `hubspot()`. @internal */
export function apiOf(connection: HubSpotConnection): HubSpotApi {
  const api = APIS.get(connection)
  if (api === undefined)
    throw new TypeError('not a HubSpot connection made by hubspot(): make it with hubspot()')
  return api
}
