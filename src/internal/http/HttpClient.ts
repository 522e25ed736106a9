/**
 * The HTTP machinery sinks, sources and integrations share: one undici `Pool` per origin with
 * keep-alive, TLS always verified (a `ca` for private authorities, no way to turn verification
 * off), JSON-friendly responses, statuses as typed errors, and which errors are worth a retry.
 *
 * @internal
 * @packageDocumentation
 */
import { Pool } from 'undici'
import { AttemptTimeoutError, parseRetryAfter } from '../retry.js'
import type { Redactor } from '../redact.js'

/** A certificate authority for private endpoints, in PEM. @internal */
export type CertificateAuthority = string | Buffer | ReadonlyArray<string | Buffer>

/** What {@link HttpClient} needs. @internal */
export interface HttpClientOptions {
  /** Connections per origin (default 4). */
  readonly connections?: number
  /** Extra trusted certificate authorities (PEM). Certificates are always verified. */
  readonly ca?: CertificateAuthority
  /** Scrubs secrets from the body excerpts kept in errors. */
  readonly redactor: Redactor
}

/** One request. @internal */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer
  readonly signal?: AbortSignal
}

/** A response with its body read. @internal */
export interface HttpResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
}

/** How much of a response body an error keeps. @internal */
export const BODY_EXCERPT_LENGTH = 500

/**
 * The server answered with a status that is not 2xx. `body` is a redacted excerpt;
 * `retryAfterMs` is the server's `Retry-After`, parsed, if it sent one.
 *
 * @internal
 */
export class HttpStatusError extends Error {
  override readonly name: string = 'HttpStatusError'
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}${body === '' ? '' : `: ${body}`}`)
  }
}

/**
 * The request got no response: connection refused or reset, DNS, TLS. Keeps the underlying
 * error's `code` (`ECONNRESET`, `UND_ERR_SOCKET`, `CERT_HAS_EXPIRED`, …) and the error as `cause`.
 *
 * @internal
 */
export class HttpNetworkError extends Error {
  override readonly name: string = 'HttpNetworkError'
  readonly code: string | undefined
  constructor(cause: unknown) {
    const code = errorCode(cause)
    const message = cause instanceof Error ? cause.message : String(cause)
    super(`network error${code === undefined ? '' : ` ${code}`}: ${message}`, { cause })
    this.code = code
  }
}

/** Keep-alive pools, one per origin, over undici. @internal */
export class HttpClient {
  private readonly pools = new Map<string, Pool>()
  private closed = false

  constructor(private readonly options: HttpClientOptions) {}

  /** Sends a request and reads the whole body; a non-2xx status rejects with {@link HttpStatusError}. */
  async request(url: URL, request: HttpRequest): Promise<HttpResponse> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`unsupported protocol ${url.protocol} (http: or https: only)`)
    const pool = this.pool(url.origin)
    let status: number
    let headers: Record<string, string | string[] | undefined>
    let body: string
    try {
      const response = await pool.request({
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: { ...request.headers },
        body: request.body ?? null,
        signal: request.signal ?? null,
      })
      status = response.statusCode
      headers = response.headers as Record<string, string | string[] | undefined>
      body = await response.body.text()
    } catch (error) {
      // An abort (the caller's or the attempt's timeout) keeps its own reason.
      if (request.signal?.aborted === true) throw error
      throw new HttpNetworkError(error)
    }
    if (status < 200 || status > 299) {
      const location = headers['location']
      const redirect =
        status >= 300 && status < 400 && typeof location === 'string'
          ? `redirect to ${this.options.redactor.text(location)}, not followed`
          : ''
      throw new HttpStatusError(
        status,
        redirect === '' ? this.excerpt(body) : redirect,
        parseRetryAfter(headers['retry-after']),
      )
    }
    return { status, headers, body }
  }

  /** A redacted, shortened body for error messages and failures. */
  excerpt(body: string): string {
    const flat = body.replace(/\s+/g, ' ').trim()
    const short =
      flat.length > BODY_EXCERPT_LENGTH ? `${flat.slice(0, BODY_EXCERPT_LENGTH)}…` : flat
    return this.options.redactor.text(short)
  }

  /** Lets requests in flight finish, then closes every connection. */
  async close(): Promise<void> {
    this.closed = true
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)))
  }

  /** Cancels requests in flight and closes every connection at once. */
  async destroy(): Promise<void> {
    this.closed = true
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)))
  }

  private pool(origin: string): Pool {
    if (this.closed) throw new Error('the HTTP client is closed')
    let pool = this.pools.get(origin)
    if (pool === undefined) {
      const ca = this.options.ca
      pool = new Pool(origin, {
        connections: Math.max(1, this.options.connections ?? 4),
        // rejectUnauthorized is never set: certificates are always verified.
        ...(ca === undefined
          ? {}
          : { connect: { ca: ca as string | Buffer | Array<string | Buffer> } }),
      })
      this.pools.set(origin, pool)
    }
    return pool
  }
}

const NOT_RETRYABLE_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

/**
 * Whether a request error is worth a retry: network errors, timeouts, 408, 429 and 5xx are; other
 * statuses, certificate errors and programming errors are not.
 *
 * @internal
 */
export function isRetryableHttpError(error: unknown): boolean {
  if (error instanceof HttpStatusError)
    return error.status === 408 || error.status === 429 || error.status >= 500
  if (error instanceof AttemptTimeoutError) return true
  const code = errorCode(error)
  if (code === undefined) return error instanceof HttpNetworkError
  return !NOT_RETRYABLE_CODES.has(code) && !code.startsWith('ERR_INVALID') && !code.includes('CERT')
}

/** The `code` of an error or of its cause (undici wraps socket errors). @internal */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth++) {
    const code = (current as { code?: unknown } | null)?.code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown } | null)?.cause
  }
  return undefined
}

/**
 * The delay a status error asks for, scaled (`scale` < 1 only shortens waits in tests).
 *
 * @internal
 */
export function retryAfterOf(error: unknown, scale = 1): number | undefined {
  if (!(error instanceof HttpStatusError) || error.retryAfterMs === undefined) return undefined
  return error.retryAfterMs * scale
}
