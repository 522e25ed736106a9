/**
 * Keeps secrets out of error messages, failures, logs and reports: credentials in URLs (user and
 * password, query parameters such as `token` or `api_key`), secret headers (`Authorization`,
 * `x-api-key`, signing headers) and any secret value a stage knows, wherever it turns up in text.
 *
 * @internal
 * @packageDocumentation
 */

/** What a redacted value is replaced with. @internal */
export const REDACTED = '***'

const SECRET_QUERY_PARAMETER =
  /^(token|access_token|refresh_token|id_token|api_key|apikey|api-key|key|signature|sig|secret|client_secret|password|passwd|pwd|pass|passphrase|auth|code|session|sessionid|jwt|bearer|credential|credentials|client_assertion|assertion|x-amz-signature|x-amz-credential|x-amz-security-token)$/i
/** Any name ending in `key` as a word (`private_key`, `access-key`, `sharedKey`, `license.key`). */
const KEY_SUFFIX = /(^|[-_.])key$|[a-z0-9]Key$/
const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-csrf-token|x-amz-security-token)$|token|secret|signature|password|passwd|credential|auth|api[-_]?key|(^|-)key$|session/i

/**
 * Request headers whose values are never secrets, so they are not scrubbed from text even when the
 * user passes them (`application/json` would otherwise vanish from every message).
 */
const PUBLIC_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-encoding',
  'content-language',
  'content-type',
  'prefer',
  'user-agent',
])

/** A `name=value` pair of a query string, anywhere in text (punctuation after it is not the value). */
const QUERY_PARAMETER = /([?&])([\w.%-]+)=[^&\s"'#<>,;)\]}]+/g

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Whether a URL query parameter of this name holds a secret. @internal */
export function isSecretQueryParameter(name: string): boolean {
  return (
    SECRET_QUERY_PARAMETER.test(name) ||
    KEY_SUFFIX.test(name) ||
    /token|secret|signature|password|credential|api[-_]?key|private[-_]?key/i.test(name)
  )
}

/** Whether a header of this name holds a secret. @internal */
export function isSecretHeader(name: string, extra: readonly string[] = []): boolean {
  const lower = name.toLowerCase()
  return SECRET_HEADER.test(lower) || extra.some((header) => header.toLowerCase() === lower)
}

/**
 * Whether a URL path segment looks like a credential: webhook URLs of chat and automation services
 * carry their secret in the path (`/services/T0123ABCD/B0456EFGH/q8VxKcN2…`,
 * `/api/webhooks/123456789012345678/aZ3k…`). A long run of letters and digits mixed, or any very
 * long opaque segment, is treated as one; ordinary words, numbers and short ids are not.
 *
 * @internal
 */
export function isSecretPathSegment(segment: string): boolean {
  if (!/^[\w~.%+=-]+$/.test(segment)) return false
  const letters = /[a-z]/i.test(segment)
  const digits = /\d/.test(segment)
  if (segment.length >= 24) return !/^[a-z]+(?:[-_.][a-z]+)*$/i.test(segment)
  return segment.length >= 8 && letters && digits && /[A-Z]/.test(segment) && /[a-z]/.test(segment)
}

/**
 * A URL as text with its user, password, secret query parameters and credential-like path
 * segments replaced by `***`. Text that is not a URL comes back with anything that looks like
 * `user:password@` removed.
 *
 * @internal
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    return String(url).replace(/\/\/[^/@\s]*@/g, `//${REDACTED}@`)
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = REDACTED
    parsed.password = ''
  }
  for (const name of new Set(parsed.searchParams.keys())) {
    if (isSecretQueryParameter(name)) parsed.searchParams.set(name, REDACTED)
  }
  parsed.pathname = parsed.pathname
    .split('/')
    .map((segment) => (isSecretPathSegment(segment) ? REDACTED : segment))
    .join('/')
  // URLSearchParams and the path percent-encode nothing here but the asterisks' neighbours; show
  // the asterisks plainly.
  return parsed.toString().replaceAll('%2A%2A%2A', REDACTED)
}

/** Headers with secret values replaced by `***`. @internal */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  extraSecretHeaders: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = isSecretHeader(name, extraSecretHeaders)
      ? REDACTED
      : Array.isArray(value)
        ? value.join(', ')
        : String(value)
  }
  return out
}

/**
 * Scrubs known secret values from any text: built once per stage from its URL, headers and other
 * secrets, then applied to every message, body excerpt and report value it produces.
 *
 * @internal
 */
export class Redactor {
  private readonly secrets: string[]

  constructor(secrets: Iterable<string | undefined>) {
    const found = new Set<string>()
    for (const secret of secrets) {
      // Very short values (`1`, `ok`) would scrub innocent text; they are not credentials anyway.
      if (secret === undefined || secret.length < 4) continue
      found.add(secret)
      // Secrets also travel percent-encoded in URLs and bodies.
      const encoded = encodeURIComponent(secret)
      if (encoded !== secret) found.add(encoded)
    }
    // Longest first, so a secret containing another is removed whole.
    this.secrets = [...found].sort((a, b) => b.length - a.length)
  }

  /**
   * A redactor for one endpoint: the URL's user, password, secret query values and credential-like
   * path segments, the value of **every header the user gave** (and the credentials after a
   * `Bearer`/`Basic` scheme inside them) — except well-known harmless ones (`Accept`,
   * `Content-Type`, …) and those named in `options.publicHeaders` — plus `extra` secrets. A header
   * named in `extraSecretHeaders` is secret even if it is also listed as public.
   */
  static forRequest(
    url: string | URL,
    headers: Readonly<Record<string, string | readonly string[] | undefined>> = {},
    extra: ReadonlyArray<string | undefined> = [],
    extraSecretHeaders: readonly string[] = [],
    options: { readonly publicHeaders?: readonly string[] } = {},
  ): Redactor {
    const secrets: Array<string | undefined> = [...extra]
    const publicHeaders = new Set((options.publicHeaders ?? []).map((name) => name.toLowerCase()))
    try {
      const parsed = new URL(String(url))
      secrets.push(decodeLenient(parsed.username), parsed.username)
      secrets.push(decodeLenient(parsed.password), parsed.password)
      for (const [name, value] of parsed.searchParams) {
        if (isSecretQueryParameter(name)) secrets.push(value)
      }
      for (const segment of parsed.pathname.split('/')) {
        if (isSecretPathSegment(segment)) secrets.push(segment, decodeLenient(segment))
      }
    } catch {
      // Not a URL: nothing to learn from it.
    }
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue
      const lower = name.toLowerCase()
      const harmless = PUBLIC_HEADERS.has(lower) || publicHeaders.has(lower)
      if (harmless && !isSecretHeader(name, extraSecretHeaders)) continue
      for (const one of Array.isArray(value) ? value : [value as string]) {
        secrets.push(one)
        const scheme = /^\s*\S+\s+(\S.*)$/.exec(one)
        if (scheme?.[1] !== undefined) secrets.push(scheme[1])
      }
    }
    return new Redactor(secrets)
  }

  /** `text` with every known secret, and every credential in URLs, replaced by `***`. */
  text(text: string): string {
    let out = text
    for (const secret of this.secrets) out = out.replaceAll(secret, REDACTED)
    // Secrets of URLs this redactor never saw (a next-page link, a redirect) echoed in a body.
    out = out.replace(QUERY_PARAMETER, (match, separator: string, name: string) =>
      isSecretQueryParameter(decodeLenient(name)) ? `${separator}${name}=${REDACTED}` : match,
    )
    return out.replace(/\b(https?:\/\/)[^/@\s"']*@/gi, `$1${REDACTED}@`)
  }

  /** A copy of a JSON-like value with secrets scrubbed from every string in it. */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value)
    if (depth > 8 || value === null || typeof value !== 'object') return value
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1))
    const out: Record<string, unknown> = {}
    // Defined, not assigned: a `__proto__` key from data stays a key.
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(out, key, {
        value: this.value(item, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    return out
  }

  /** An Error safe to keep in a report: same name and (scrubbed) message, no request internals. */
  error(error: unknown): Error {
    const message = this.text(error instanceof Error ? error.message : String(error))
    const safe = new Error(message)
    if (error instanceof Error) {
      safe.name = error.name
      const code = (error as { code?: unknown }).code
      if (typeof code === 'string') Object.assign(safe, { code })
    }
    return safe
  }
}
