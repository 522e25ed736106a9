/**
 * The HTTP machinery sinks, sources and integrations share: one undici `Pool` per origin with
 * keep-alive, TLS always verified (a `ca` for private authorities, no way to turn verification
 * off), JSON-friendly responses, statuses as typed errors, and which errors are worth a retry.
 *
 * @internal
 * @packageDocumentation
 */
import { Pool, type Dispatcher } from 'undici'
import { AttemptTimeoutError, parseRetryAfter } from '../retry.js'
import { redactUrl, type Redactor } from '../redact.js'

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
  /** The most bytes of a 2xx response body read (default {@link DEFAULT_MAX_RESPONSE_BYTES}). */
  readonly maxResponseBytes?: number
}

/** The default cap of a response body: 16 MiB. @internal */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

/** How much of an error response's body is read for its excerpt; the rest is discarded. */
const ERROR_BODY_BYTES = 64 * 1024

/** One request. @internal */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer
  readonly signal?: AbortSignal
  /** The most bytes of a 2xx body read for this request (default the client's). */
  readonly maxResponseBytes?: number
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
 * A 2xx response whose body is larger than the client's `maxResponseBytes`: reading stopped at the
 * limit and the connection was closed. Not retryable (the server did answer).
 *
 * @internal
 */
export class HttpResponseTooLargeError extends Error {
  override readonly name: string = 'HttpResponseTooLargeError'
  constructor(
    readonly status: number,
    readonly maxResponseBytes: number,
    url: string,
  ) {
    super(
      `the response of ${url} (HTTP ${status}) is larger than maxResponseBytes (${maxResponseBytes} bytes); stopped reading and closed the connection`,
    )
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

  /**
   * Sends a request and reads the body, up to `maxResponseBytes` for a 2xx response (more rejects
   * with {@link HttpResponseTooLargeError}) and 64 KiB for an error's excerpt (the rest is
   * discarded); a non-2xx status rejects with {@link HttpStatusError}.
   */
  async request(url: URL, request: HttpRequest): Promise<HttpResponse> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`unsupported protocol ${url.protocol} (http: or https: only)`)
    const pool = this.pool(url.origin)
    let response: Dispatcher.ResponseData
    try {
      response = await pool.request({
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: { ...request.headers },
        body: request.body ?? null,
        signal: request.signal ?? null,
      })
    } catch (error) {
      // An abort (the caller's or the attempt's timeout) keeps its own reason.
      if (request.signal?.aborted === true) throw error
      throw new HttpNetworkError(error)
    }
    const status = response.statusCode
    const headers = response.headers as Record<string, string | string[] | undefined>
    const success = status >= 200 && status <= 299
    const limit = success
      ? (request.maxResponseBytes ?? this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES)
      : ERROR_BODY_BYTES
    let read: { text: string; complete: boolean }
    try {
      read = await readCapped(response.body, limit, headers['content-length'])
    } catch (error) {
      if (request.signal?.aborted === true) throw error
      throw new HttpNetworkError(error)
    }
    if (success && !read.complete)
      throw new HttpResponseTooLargeError(status, limit, redactUrl(url))
    const body = read.text
    if (!success) {
      const location = headers['location']
      const redirect =
        status >= 300 && status < 400 && typeof location === 'string'
          ? `redirect to ${this.redactLocation(location, url)}, not followed`
          : ''
      throw new HttpStatusError(
        status,
        redirect === '' ? this.excerpt(body) : redirect,
        parseRetryAfter(headers['retry-after']),
      )
    }
    return { status, headers, body }
  }

  /** A redirect's target as text, with credentials in its user, path or query redacted. */
  private redactLocation(location: string, base: URL): string {
    let target: URL
    try {
      target = new URL(location, base)
    } catch {
      return this.options.redactor.text(location)
    }
    const redacted = redactUrl(target)
    // A relative Location is shown relative, as the server sent it.
    const relative = !URL.canParse(location) && redacted.startsWith(target.origin)
    return this.options.redactor.text(relative ? redacted.slice(target.origin.length) : redacted)
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
 * Reads a body up to `limit` bytes. A longer body (announced by `Content-Length`, or found while
 * reading) is destroyed at once — the connection closes rather than be drained for ever — and
 * comes back with `complete: false` and what was read.
 */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  contentLength: string | string[] | undefined,
): Promise<{ text: string; complete: boolean }> {
  const announced = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength)
  if (Number.isFinite(announced) && announced > limit) {
    body.destroy()
    return { text: '', complete: false }
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size))
      body.destroy()
      return { text: Buffer.concat(chunks).toString('utf8'), complete: false }
    }
    chunks.push(chunk)
    size += chunk.length
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true }
}

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
