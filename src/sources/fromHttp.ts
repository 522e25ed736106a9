import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import { failure } from '../core/Failure.js'
import { pullSource, type SourceBatch, type SourceStage } from '../internal/pullSource.js'
import { retryPolicyOf, withRetry } from '../internal/retry.js'
import { testKnobs } from '../internal/testKnobs.js'
import { Redactor, redactUrl } from '../internal/redact.js'
import { withUrlCredentials } from '../internal/http/urlCredentials.js'
import { positionParamOf, rememberPage, savedPage } from '../internal/http/pagePosition.js'
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  HttpClient,
  isRetryableHttpError,
  retryAfterOf,
} from '../internal/http/HttpClient.js'

/**
 * How {@link fromHttp} finds the next page.
 *
 * - `{ by: 'nextLink', path: 'links.next' }`: a URL (absolute or relative) in the body; stops when
 *   it is missing or null.
 * - `{ by: 'linkHeader' }`: the `Link` header's `rel="next"`; stops when there is none.
 * - `{ by: 'cursor', cursorPath: 'meta.nextCursor', cursorParam: 'cursor' }`: a cursor in the body,
 *   sent back as a query parameter; stops when it is missing, null or empty.
 * - `{ by: 'page', pageParam: 'page', firstPage?: 1 }`: a page number in the query; stops on an
 *   empty page.
 * - `{ by: 'offset', offsetParam: 'offset', pageSize: 100, limitParam?: 'limit' }`: the number of
 *   records before the page in the query (0, 100, 200, …), with the page size as `limitParam` if
 *   named; stops on an empty page.
 *
 * @category sources
 * @since 0.1.0
 */
export type FromHttpPagination =
  | { readonly by: 'nextLink'; readonly path: string }
  | { readonly by: 'linkHeader' }
  | { readonly by: 'cursor'; readonly cursorPath: string; readonly cursorParam: string }
  | { readonly by: 'page'; readonly pageParam: string; readonly firstPage?: number }
  | {
      readonly by: 'offset'
      readonly offsetParam: string
      readonly pageSize: number
      readonly limitParam?: string
    }

/**
 * Options of {@link fromHttp}.
 *
 * @category sources
 * @since 0.1.0
 */
export interface FromHttpOptions {
  /** The stage name in the report (default `fromHttp <url>`, with secrets redacted). */
  readonly name?: string
  /**
   * Request headers, such as `Authorization`. Every value is treated as a secret: redacted wherever
   * it turns up (an echo in a body, an error, the report), except `Accept`, `Content-Type`,
   * `User-Agent` and the like, and the headers named in `publicHeaders`. They are sent only to the
   * first page's origin.
   */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Headers of `headers` whose values are harmless and may be shown (`['X-Source']`). A header whose
   * name says it is a secret (`Authorization`, `…-Key`, `…Token`) is redacted anyway.
   */
  readonly publicHeaders?: readonly string[]
  /** Where the records are in each page's body, as a dotted path (`data.items`); default the body itself. */
  readonly recordsPath?: string
  /** How to find the next page (default: a single request). */
  readonly pagination?: FromHttpPagination
  /**
   * Read only the pages from `from` up to (not including) `to`, counted from 0 for the first page:
   * one task of a job split with `splitPages` from `powerflow-etl/distributed`. Needs `page` or
   * `offset` pagination — a cursor or a next link names a page only once the one before is read,
   * so such a listing cannot be split. Stops early on an empty page; the `state` run option does
   * not apply: a task reads exactly its pages.
   */
  readonly pages?: { readonly from: number; readonly to: number }
  /** Stop after this many pages (default 1,000), saying so in the report. */
  readonly maxPages?: number
  /** Time limit of each request attempt (default 30 s). A timeout is retried. */
  readonly timeoutMs?: number
  /** Retries after the first attempt: at most `retries + 1` attempts per page (default 3). */
  readonly retries?: number
  /** The smallest backoff delay and the base of its exponential growth (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). Does not cut a `Retry-After`. */
  readonly maxDelayMs?: number
  /** The longest `Retry-After` honoured (default 60 s); a longer one fails the run saying why. */
  readonly maxRetryAfterMs?: number
  /** Extra trusted certificate authorities (PEM). Certificates are always verified. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>
  /**
   * The most bytes of a page's body read (default 16 MiB). A longer page fails the run, naming the
   * page, and its connection is closed.
   */
  readonly maxResponseBytes?: number
}

const DEFAULT_MAX_PAGES = 1_000

/**
 * A source of records from a JSON HTTP API (GET), page by page. Each page's records are taken
 * from `recordsPath` and emitted under the run's budget; the next page is requested only when
 * they have been taken, so a slow sink slows the requests.
 *
 * Requests are retried like the webhook sink's (network errors, timeouts, 408, 429 and 5xx, with
 * backoff and `Retry-After`). A page that cannot be fetched after the retries, a body that is not
 * JSON, or a `recordsPath` that is not an array fails the run with a message naming the (redacted)
 * URL and the page. Reaching `maxPages` stops reading and adds a warning to the report.
 * The user's headers (and credentials written in the URL, sent as Basic auth) go only to the first
 * page's origin: a next page on another origin is requested without any of them. Unsubscribing cancels the request in flight and closes
 * the connections. Records are `unknown`:
 * type them with `validate(codec)`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { pipe, fromHttp, toArray } from 'powerflow-etl'
 *
 * const server = createServer((request, response) => {
 *   const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'))
 *   response.end(JSON.stringify({ data: { items: page <= 2 ? [{ page }] : [] } }))
 * })
 * await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
 * const { port } = server.address() as { port: number }
 *
 * const report = await pipe(
 *   fromHttp(`http://127.0.0.1:${port}/deals`, {
 *     recordsPath: 'data.items',
 *     pagination: { by: 'page', pageParam: 'page' },
 *   }),
 *   toArray(),
 * )
 * server.close()
 * console.assert(report.records.length === 2)
 * ```
 *
 * @param url - the first page (`http:` or `https:`)
 * @param options - headers, records path, pagination, retries and limits
 * @returns a flow of the records, as `unknown`
 * @category sources
 * @since 0.1.0
 */
export function fromHttp(url: string | URL, options: FromHttpOptions = {}): Flow<unknown> {
  let first: URL
  try {
    first = new URL(String(url))
  } catch {
    throw new TypeError(`fromHttp: not a URL: ${redactUrl(String(url))}`)
  }
  if (first.protocol !== 'http:' && first.protocol !== 'https:')
    throw new TypeError(`fromHttp: ${redactUrl(first)} is not an http: or https: URL`)
  // Credentials in the URL become a Basic header, as in toWebhook: undici sends only the path.
  const headers = withUrlCredentials(first, {
    accept: 'application/json',
    ...options.headers,
  })
  const redactor = Redactor.forRequest(
    first,
    headers,
    [],
    [],
    options.publicHeaders === undefined ? {} : { publicHeaders: options.publicHeaders },
  )
  const name = options.name ?? `fromHttp ${redactUrl(first)}`
  const maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES)
  checkPagination(name, options)

  return pullSource<unknown>(name, (signal, stage) =>
    readPages(first, headers, options, signal, stage, name, redactor, maxPages),
  )
}

async function* readPages(
  first: URL,
  headers: Readonly<Record<string, string>>,
  options: FromHttpOptions,
  signal: AbortSignal,
  stage: SourceStage,
  name: string,
  redactor: Redactor,
  maxPages: number,
): AsyncGenerator<SourceBatch<unknown>> {
  const client = new HttpClient({
    connections: 1,
    redactor,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  })
  // A next page on another origin, named by the server, gets none of the user's headers: any of
  // them may be a credential meant for this origin only.
  const foreignHeaders = { accept: 'application/json' }
  const pagination = options.pagination
  const taskPages = options.pages
  let next: URL | undefined = startPage(first, pagination, taskPages?.from ?? 0)
  // With the `state` run option: start at the page the last committed run ended on. That page is
  // read again (its records may be duplicates), so records added to it are not missed. A task's
  // pages are its own: no position is kept.
  const positionParam = taskPages === undefined ? positionParamOf(pagination) : undefined
  const saved = positionParam === undefined ? undefined : await savedPage(name, positionParam)
  if (positionParam !== undefined && saved !== undefined)
    next.searchParams.set(positionParam, saved)
  const fetched = new Set<string>()
  let lastPage: URL | undefined
  try {
    for (let page = 1; next !== undefined; page++) {
      const current: URL = next
      const where = `${name} page ${page}`
      if (taskPages !== undefined && page > taskPages.to - taskPages.from) return
      if (page > maxPages) {
        stage.warn(
          failure('HttpWarning', {
            stage: name,
            reason: `stopped after maxPages (${maxPages}); more pages were available at ${redactUrl(current)}`,
          }),
        )
        if (positionParam !== undefined) rememberPage(name, positionParam, current)
        return
      }
      if (fetched.has(current.href))
        throw new Error(
          `${where}: the next page is ${redactUrl(current)} again; stopped to avoid a loop`,
        )
      fetched.add(current.href)

      let response
      try {
        response = await withRetry(
          (_, attemptSignal) =>
            client.request(current, {
              method: 'GET',
              headers: current.origin === first.origin ? headers : foreignHeaders,
              signal: attemptSignal,
            }),
          {
            ...retryPolicyOf(options),
            timeoutMs: options.timeoutMs ?? 30_000,
            signal,
            isRetryable: isRetryableHttpError,
            retryAfterMs: (error) => retryAfterOf(error, testKnobs.retryAfterScale),
          },
        )
      } catch (error) {
        if (signal.aborted) throw error
        throw new Error(`${where}: ${redactor.error(error).message}`, {
          cause: redactor.error(error),
        })
      }

      let body: unknown
      try {
        body = JSON.parse(response.body)
      } catch {
        throw new Error(`${where}: the response is not JSON: ${client.excerpt(response.body)}`)
      }
      const records = options.recordsPath === undefined ? body : valueAt(body, options.recordsPath)
      if (!Array.isArray(records))
        throw new Error(
          `${where}: ${options.recordsPath === undefined ? 'the body' : `recordsPath ${options.recordsPath}`} is not an array (${describeType(records)})`,
        )
      const items: Array<Either<Failure, unknown>> = records.map((record: unknown) => right(record))
      if (items.length > 0) yield { items, bytes: Buffer.byteLength(response.body) }

      next = nextPage(current, pagination, body, response.headers, items.length)
      // Numbered pages end on an empty one; the last one with records may fill up, so the next
      // run starts there. A cursor's last page is the feed's position itself.
      if (items.length > 0 || pagination?.by === 'cursor') lastPage = current
      if (next === undefined && positionParam !== undefined && lastPage !== undefined)
        rememberPage(name, positionParam, lastPage)
    }
  } finally {
    if (signal.aborted) await client.destroy()
    else await client.close()
  }
}

function nextPage(
  current: URL,
  pagination: FromHttpPagination | undefined,
  body: unknown,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  count: number,
): URL | undefined {
  switch (pagination?.by) {
    case undefined:
      return undefined
    case 'nextLink': {
      const link = valueAt(body, pagination.path)
      return typeof link === 'string' && link !== '' ? new URL(link, current) : undefined
    }
    case 'linkHeader': {
      const link = nextFromLinkHeader(headers['link'])
      return link === undefined ? undefined : new URL(link, current)
    }
    case 'cursor': {
      const cursor = valueAt(body, pagination.cursorPath)
      if (cursor === undefined || cursor === null || cursor === '') return undefined
      const following = new URL(current)
      following.searchParams.set(pagination.cursorParam, String(cursor))
      return following
    }
    case 'page': {
      if (count === 0) return undefined
      const following = new URL(current)
      const page = Number(current.searchParams.get(pagination.pageParam))
      following.searchParams.set(pagination.pageParam, String(page + 1))
      return following
    }
    case 'offset': {
      if (count === 0) return undefined
      const following = new URL(current)
      const offset = Number(current.searchParams.get(pagination.offsetParam))
      following.searchParams.set(pagination.offsetParam, String(offset + pagination.pageSize))
      return following
    }
  }
}

/** The URL of the page `index` (0: the first) of a numbered or offset listing; else `first`. */
function startPage(first: URL, pagination: FromHttpPagination | undefined, index: number): URL {
  const url = new URL(first)
  if (pagination?.by === 'page')
    url.searchParams.set(pagination.pageParam, String((pagination.firstPage ?? 1) + index))
  if (pagination?.by === 'offset') {
    url.searchParams.set(pagination.offsetParam, String(index * pagination.pageSize))
    if (pagination.limitParam !== undefined)
      url.searchParams.set(pagination.limitParam, String(pagination.pageSize))
  }
  return url
}

function checkPagination(name: string, options: FromHttpOptions): void {
  const pagination = options.pagination
  if (
    pagination?.by === 'offset' &&
    !(Number.isInteger(pagination.pageSize) && pagination.pageSize >= 1)
  )
    throw new TypeError(
      `${name}: pagination.pageSize must be a whole number of at least 1 (got ${String(pagination.pageSize)})`,
    )
  const pages = options.pages
  if (pages === undefined) return
  if (pagination?.by !== 'page' && pagination?.by !== 'offset')
    throw new TypeError(
      `${name}: pages needs page or offset pagination; a cursor or a next link names each page only once the one before is read`,
    )
  if (!(
    Number.isInteger(pages.from) &&
    Number.isInteger(pages.to) &&
    pages.from >= 0 &&
    pages.to > pages.from
  ))
    throw new TypeError(
      `${name}: pages must be whole numbers with 0 <= from < to (got ${String(pages.from)}-${String(pages.to)})`,
    )
}

/** The `rel="next"` target of a `Link` header (RFC 8288), if any. */
function nextFromLinkHeader(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(',') : value
  if (text === undefined) return undefined
  for (const match of text.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? ''
    if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(params)) return match[1]
  }
  return undefined
}

/** The value at a dotted path (`data.items`), or undefined. */
function valueAt(value: unknown, path: string): unknown {
  let current = value
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'missing'
  return typeof value
}
