/**
 * Requests to a Salesforce org: the session's bearer token, retries of 429/503/network errors
 * with the core's `withRetry`, one session refresh on 401 INVALID_SESSION_ID, `Sforce-Limit-Info`
 * into the run's figures, and Salesforce's error bodies turned into readable errors without
 * secrets.
 *
 * @internal
 * @packageDocumentation
 */
import {
  HttpClient,
  HttpStatusError,
  isRetryableHttpError,
  retryAfterOf,
  type HttpResponse,
} from '../../../internal/http/HttpClient.js'
import { Redactor } from '../../../internal/redact.js'
import {
  RetryExhaustedError,
  retryPolicyOf,
  withRetry,
  type RetryPolicy,
} from '../../../internal/retry.js'
import { testKnobs } from '../../../internal/testKnobs.js'
import type { SalesforceConnection } from '../SalesforceConnection.js'
import { loginOf, type SalesforceSession } from './SalesforceLogin.js'
import type { SalesforceStats } from './SalesforceStats.js'

/** Retry and timing options every Salesforce stage accepts. @internal */
export type SalesforceRequestOptions = RetryPolicy

/** A request Salesforce refused, with its error code. @internal */
export class SalesforceApiError extends Error {
  override readonly name: string = 'SalesforceApiError'
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }

  /** The org's daily API quota is used up: retrying will not help until it rolls over. */
  get isQuotaExceeded(): boolean {
    return this.errorCode === 'REQUEST_LIMIT_EXCEEDED'
  }
}

interface SendOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly body?: string
  readonly contentType?: string
  readonly headers?: Readonly<Record<string, string>>
  /** Cleanup that must go out even after the stage was stopped (deleting a Bulk job). */
  readonly evenWhenStopped?: boolean
}

/** A redactor that always knows the connection's current tokens. */
class ConnectionRedactor extends Redactor {
  constructor(private readonly connection: SalesforceConnection) {
    super([])
  }

  override text(text: string): string {
    return new Redactor(loginOf(this.connection).secrets()).text(text)
  }
}

/** One stage's way to the org. @internal */
export class SalesforceApi {
  private readonly client: HttpClient
  private readonly redactor: Redactor
  /** Once the org's daily quota is used up, no other request of this stage is sent. */
  private quotaExceeded: SalesforceApiError | undefined = undefined

  constructor(
    readonly connection: SalesforceConnection,
    private readonly options: SalesforceRequestOptions,
    readonly stats: SalesforceStats,
    private readonly signal: AbortSignal,
    connections = 2,
  ) {
    this.redactor = new ConnectionRedactor(connection)
    this.client = new HttpClient({ connections, redactor: this.redactor })
  }

  /** The path of a REST resource of this API version: `/services/data/v65.0<path>`. */
  dataPath(path: string): string {
    return `/services/data/v${this.connection.version}${path}`
  }

  /** Sends a request to a path of the org (`/services/data/…`) and reads the answer. */
  async send(path: string, request: SendOptions = {}): Promise<HttpResponse> {
    const method = request.method ?? 'GET'
    const where = `Salesforce ${method} ${path.split('?')[0] ?? path}`
    if (this.quotaExceeded !== undefined && request.evenWhenStopped !== true)
      throw this.quotaExceeded
    let session: SalesforceSession
    try {
      session = await loginOf(this.connection).session()
    } catch (error) {
      throw new Error(this.redactor.text(error instanceof Error ? error.message : String(error)))
    }
    let refreshed = false
    for (;;) {
      const sentAt = Date.now()
      const current = session
      try {
        return await withRetry(
          async (attempt, signal) => {
            await loginOf(this.connection).limiter?.acquire(signal)
            this.stats.requests += 1
            if (attempt > 1) this.stats.retries += 1
            const url = new URL(path, current.instanceUrl)
            // A path named by the server (nextRecordsUrl) never takes the session elsewhere.
            if (url.origin !== new URL(current.instanceUrl).origin)
              throw new Error(`refused to send the session to another origin (${url.origin})`)
            const response = await this.client.request(url, {
              method,
              headers: {
                authorization: `Bearer ${current.accessToken}`,
                accept: 'application/json',
                ...(request.body === undefined
                  ? {}
                  : { 'content-type': request.contentType ?? 'application/json' }),
                ...request.headers,
              },
              ...(request.body === undefined ? {} : { body: request.body }),
              signal,
            })
            this.stats.noteLimitInfo(response.headers['sforce-limit-info'])
            return response
          },
          {
            ...retryPolicyOf(this.options),
            timeoutMs: this.options.timeoutMs ?? 120_000,
            signal: request.evenWhenStopped === true ? AbortSignal.timeout(30_000) : this.signal,
            isRetryable: (error) => isRetryableHttpError(error) && !isQuota(error),
            retryAfterMs: (error) => retryAfterOf(error, testKnobs.retryAfterScale),
          },
        )
      } catch (error) {
        if (this.signal.aborted && request.evenWhenStopped !== true) throw error
        const last = error instanceof RetryExhaustedError ? error.cause : error
        if (last instanceof HttpStatusError && last.status === 401) {
          if (!refreshed) {
            refreshed = true
            try {
              session = await loginOf(this.connection).refresh(current, sentAt)
            } catch (refreshError) {
              throw new SalesforceApiError(
                `${where}: the session expired (401 INVALID_SESSION_ID) and could not be renewed: ${this.redactor.text(refreshError instanceof Error ? refreshError.message : String(refreshError))}`,
                401,
                'INVALID_SESSION_ID',
              )
            }
            continue
          }
          throw new SalesforceApiError(
            `${where}: Salesforce refused the session again right after it was renewed (401 INVALID_SESSION_ID); check the user's access and the connected app's policies`,
            401,
            'INVALID_SESSION_ID',
          )
        }
        const failure = describeFailure(where, error, last, this.redactor)
        if (failure.isQuotaExceeded) this.quotaExceeded = failure
        throw failure
      }
    }
  }

  /** Sends a request and parses the JSON answer (an empty body is `undefined`). */
  async json<T>(path: string, request: SendOptions = {}): Promise<T> {
    const response = await this.send(path, request)
    if (response.body === '') return undefined as T
    try {
      return JSON.parse(response.body) as T
    } catch {
      throw new Error(
        `Salesforce ${request.method ?? 'GET'} ${path.split('?')[0] ?? path}: the answer is not JSON: ${this.client.excerpt(response.body)}`,
      )
    }
  }

  async close(): Promise<void> {
    await this.client.close()
  }
}

function isQuota(error: unknown): boolean {
  return error instanceof HttpStatusError && error.body.includes('REQUEST_LIMIT_EXCEEDED')
}

/** Salesforce's `[{ message, errorCode }]` body, if the excerpt is one. */
function salesforceErrorOf(body: string): { message: string; errorCode: string } | undefined {
  try {
    const parsed = JSON.parse(body) as unknown
    const first = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed
    if (typeof first === 'object' && first !== null) {
      const { message, errorCode } = first as { message?: unknown; errorCode?: unknown }
      if (typeof errorCode === 'string')
        return { message: typeof message === 'string' ? message : '', errorCode }
    }
  } catch {
    // not JSON (or cut short): described by its excerpt
  }
  return undefined
}

function describeFailure(
  where: string,
  error: unknown,
  last: unknown,
  redactor: Redactor,
): SalesforceApiError {
  const attempts =
    error instanceof RetryExhaustedError && error.attempts > 1
      ? ` (after ${error.attempts} attempts)`
      : ''
  if (last instanceof HttpStatusError) {
    const known = salesforceErrorOf(last.body)
    if (known?.errorCode === 'REQUEST_LIMIT_EXCEEDED')
      return new SalesforceApiError(
        `${where}: the org's daily API request limit is used up (403 REQUEST_LIMIT_EXCEEDED: ${known.message}); it frees up over the next 24 hours`,
        last.status,
        known.errorCode,
      )
    const detail =
      known === undefined ? last.body : `${known.errorCode}: ${redactor.text(known.message)}`
    return new SalesforceApiError(
      `${where}: HTTP ${last.status}${detail === '' ? '' : ` ${detail}`}${attempts}`,
      last.status,
      known?.errorCode,
    )
  }
  const safe = redactor.error(last)
  return new SalesforceApiError(`${where}: ${safe.message}${attempts}`, undefined, undefined, {
    cause: safe,
  })
}
