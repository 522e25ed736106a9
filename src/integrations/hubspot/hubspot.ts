import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import { Client } from '@hubspot/api-client'
import { Redactor } from '../../internal/redact.js'
import { RateLimiter, RETRY_DEFAULTS } from '../../internal/retry.js'
import type { HubSpotConnection } from './HubSpotConnection.js'
import { connectionWith, HubSpotApi } from './internal/HubSpotApi.js'

/**
 * A rate limit: at most `limit` calls in any rolling window of `windowMs` milliseconds.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface HubSpotRateLimit {
  readonly limit: number
  readonly windowMs: number
}

/**
 * Options of {@link hubspot}: the credentials (or a ready client), where HubSpot is, its rate
 * limits and the retries.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface HubSpotOptions {
  /** A private-app or OAuth access token (default: `HUBSPOT_ACCESS_TOKEN`). Never reported. */
  readonly accessToken?: string
  /**
   * A ready `Client` to call through instead (its token, base path and agent are used). Make it
   * without `numberOfApiCallRetries` and `limiterOptions`: PowerFlow limits and retries itself.
   */
  readonly client?: Client
  /**
   * A `.env` file to read `HUBSPOT_ACCESS_TOKEN` from when neither `accessToken` nor the
   * environment has one. Read only when given, never on import; `process.env` is not changed.
   */
  readonly envFile?: string
  /** Where the API is (default `https://api.hubapi.com`); with `client`, the client's own applies. */
  readonly basePath?: string
  /**
   * The app's limit on calls other than searches, corrected from the `X-HubSpot-RateLimit-*`
   * headers of each answer (default 100 per 10 s, the lowest tier; `false`: none).
   */
  readonly rateLimit?: HubSpotRateLimit | false
  /** The limit on search calls, which send no such headers (default 4 per second; `false`: none). */
  readonly searchRateLimit?: HubSpotRateLimit | false
  /** Retries after the first attempt of each call (default 5). */
  readonly retries?: number
  /** The smallest backoff delay and the base of its exponential growth (default 250 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). Does not cut a `Retry-After`. */
  readonly maxDelayMs?: number
  /** The longest `Retry-After` honoured (default 60 s); a longer one fails saying why. */
  readonly maxRetryAfterMs?: number
  /** Time limit of each attempt (default 60 s). A timeout is retried. */
  readonly timeoutMs?: number
}

const DEFAULT_BASE_PATH = 'https://api.hubapi.com'
const DEFAULT_RATE_LIMIT: HubSpotRateLimit = { limit: 100, windowMs: 10_000 }
const DEFAULT_SEARCH_RATE_LIMIT: HubSpotRateLimit = { limit: 4, windowMs: 1_000 }

/**
 * Connects to a HubSpot app: `hubspot({ accessToken })`, `hubspot({ client })`, or `hubspot()`
 * with the token in `HUBSPOT_ACCESS_TOKEN` (or in the `envFile` you name). Nothing is requested
 * until a source or sink runs.
 *
 * Every source and sink on one connection shares its two rate limiters — one for searches, one for
 * everything else — each counting calls in a rolling window as HubSpot does, and corrected from
 * the `X-HubSpot-RateLimit-*` headers HubSpot sends (another app on the same account uses the
 * same quota). Calls are retried on 429 (after `Retry-After` when given), 5xx, network errors and
 * timeouts, with backoff; a 401 (expired or revoked token) is tried at most twice and then fails
 * the run with a message that says so. The client's own retry and limiter are not used: they are
 * process-wide and ignore `Retry-After`. (Making a `Client` resets the client library's
 * process-wide decorators, as every `new Client()` does.)
 *
 * Throws a TypeError when there is no token and no client.
 *
 * @example
 * ```ts
 * import { hubspot } from 'powerflow-etl/hubspot'
 *
 * const crm = hubspot({ accessToken: 'pat-na1-example', rateLimit: { limit: 190, windowMs: 10_000 } })
 * console.assert(crm.client !== undefined)
 * ```
 *
 * @param options - token or client, base path, rate limits and retries
 * @returns a connection to pass to {@link fromHubSpot} and {@link toHubSpot}
 * @category integrations
 * @since 0.2.0
 */
export function hubspot(options: HubSpotOptions = {}): HubSpotConnection {
  const token =
    options.client === undefined
      ? (options.accessToken ??
        process.env['HUBSPOT_ACCESS_TOKEN'] ??
        tokenFromFile(options.envFile))
      : options.client.config.accessToken
  if (options.client === undefined && (token === undefined || token === ''))
    throw new TypeError(
      'hubspot: no access token: pass accessToken or client, set HUBSPOT_ACCESS_TOKEN, or name an envFile that sets it',
    )
  // Where the calls go: a given client's own base path, else the option.
  const basePath = trimSlash(
    (options.client === undefined ? options.basePath : options.client.config.basePath) ??
      DEFAULT_BASE_PATH,
  )
  // Neither numberOfApiCallRetries nor limiterOptions: PowerFlow retries and limits.
  const client = options.client ?? new Client({ accessToken: token as string, basePath })
  return connectionWith(
    client,
    new HubSpotApi(
      {
        basePath,
        retries: options.retries ?? 5,
        minDelayMs: options.minDelayMs ?? 250,
        maxDelayMs: options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
        maxRetryAfterMs: options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs,
        timeoutMs: options.timeoutMs ?? 60_000,
      },
      limiterOf('rateLimit', options.rateLimit, DEFAULT_RATE_LIMIT),
      limiterOf('searchRateLimit', options.searchRateLimit, DEFAULT_SEARCH_RATE_LIMIT),
      new Redactor([token]),
    ),
  )
}

function limiterOf(
  name: string,
  given: HubSpotRateLimit | false | undefined,
  fallback: HubSpotRateLimit,
): RateLimiter | undefined {
  if (given === false) return undefined
  const { limit, windowMs } = given ?? fallback
  if (!(Number.isInteger(limit) && limit >= 1) || !(Number.isFinite(windowMs) && windowMs > 0))
    throw new RangeError(
      `hubspot: ${name} needs a whole limit of at least 1 and a windowMs above 0 (got ${limit} per ${windowMs} ms)`,
    )
  return new RateLimiter({ limit, windowMs })
}

function tokenFromFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`hubspot: cannot read envFile ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return parseEnv(text)['HUBSPOT_ACCESS_TOKEN']
}

function trimSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path
}
