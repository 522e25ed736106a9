/**
 * The webhook sink's options, checked once when the sink is made and turned into the settings
 * its delivery and batching use: the endpoint, the headers, the signer, the redactor and the
 * numbers with their defaults.
 *
 * @internal
 * @packageDocumentation
 */
import { retryPolicyOf, type RetryPolicy } from '../retry.js'
import { checkNumericOptions } from '../numericOptions.js'
import { Redactor, redactUrl } from '../redact.js'
import type { CertificateAuthority } from '../http/HttpClient.js'
import { withUrlCredentials } from '../http/urlCredentials.js'
import { signer, type Signer, type WebhookSigning } from './signer.js'

/**
 * The options the webhook machinery reads: the fields of the public `ToWebhookOptions` (documented
 * there, in `sinks/toWebhook.ts`, which internal code does not import).
 *
 * @internal
 */
export interface WebhookOptionValues<A> extends RetryPolicy {
  readonly method?: 'POST' | 'PUT' | 'PATCH'
  readonly headers?: Readonly<Record<string, string>>
  readonly publicHeaders?: readonly string[]
  readonly batchSize?: number
  readonly batchBytes?: number
  readonly body?: (records: readonly A[]) => unknown
  readonly concurrency?: number
  readonly signing?: WebhookSigning
  readonly ca?: CertificateAuthority
  readonly maxResponseBytes?: number
}

/** Everything a webhook sink needs to send, resolved from its options. @internal */
export interface WebhookSettings<A> {
  /** The stage name: the label and the redacted URL (`toWebhook https://example.com/hooks`). */
  readonly stageName: string
  readonly method: 'POST' | 'PUT' | 'PATCH'
  /** The URL requests go to, without credentials (they are in `baseHeaders`). */
  readonly endpoint: URL
  /** Headers of every request: `content-type`, the user's (lower-cased) and Basic credentials. */
  readonly baseHeaders: Readonly<Record<string, string>>
  readonly redactor: Redactor
  readonly sign: Signer
  /** Records per request as configured (before the run's high-water mark caps it). */
  readonly batchSize: number
  readonly batchBytes: number
  readonly concurrency: number
  readonly timeoutMs: number
  readonly maxResponseBytes: number
  readonly retry: RetryPolicy
  readonly body: ((records: readonly A[]) => unknown) | undefined
  readonly ca: CertificateAuthority | undefined
}

/** @internal */
export const WEBHOOK_DEFAULTS = {
  batchSize: 1,
  batchBytes: 1024 * 1024,
  concurrency: 4,
  timeoutMs: 30_000,
  maxResponseBytes: 1024 * 1024,
} as const

/**
 * Checks `options` and resolves the settings; throws a TypeError or RangeError naming `label`
 * and the option for an option that cannot work.
 *
 * @internal
 */
export function webhookSettings<A>(
  url: string | URL,
  options: WebhookOptionValues<A>,
  label: string,
): WebhookSettings<A> {
  const target = parseEndpoint(url, label)
  const method = options.method ?? 'POST'
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH')
    throw new TypeError(`${label}: method must be POST, PUT or PATCH (got ${String(method)})`)
  checkNumbers(options, label)
  const sign = signer(options.signing, label)
  // Credentials in the URL become a Basic header: undici sends only the path.
  const baseHeaders = withUrlCredentials(target, {
    'content-type': 'application/json',
    ...lowerCaseKeys(options.headers ?? {}),
  })
  const redactor = Redactor.forRequest(
    target,
    baseHeaders,
    [options.signing?.secret, ...sign.secrets],
    sign.headers,
    options.publicHeaders === undefined ? {} : { publicHeaders: options.publicHeaders },
  )
  return {
    stageName: `${label} ${redactUrl(target)}`,
    method,
    endpoint: new URL(`${target.origin}${target.pathname}${target.search}`),
    baseHeaders,
    redactor,
    sign,
    // checkNumbers made these whole numbers of at least 1; a batchBytes below 1 means 1.
    batchSize: options.batchSize ?? WEBHOOK_DEFAULTS.batchSize,
    batchBytes: Math.max(1, options.batchBytes ?? WEBHOOK_DEFAULTS.batchBytes),
    concurrency: options.concurrency ?? WEBHOOK_DEFAULTS.concurrency,
    timeoutMs: options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? WEBHOOK_DEFAULTS.maxResponseBytes,
    retry: retryPolicyOf(options),
    body: options.body,
    ca: options.ca,
  }
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
function checkNumbers<A>(options: WebhookOptionValues<A>, label: string): void {
  const check = checkNumericOptions(label)
  check.whole('batchSize', options.batchSize, 1)
  check.whole('concurrency', options.concurrency, 1)
  check.whole('retries', options.retries, 0)
  check.positive('batchBytes', options.batchBytes)
  check.positive('timeoutMs', options.timeoutMs)
  check.nonNegative('minDelayMs', options.minDelayMs)
  check.nonNegative('maxDelayMs', options.maxDelayMs)
  check.whole('maxResponseBytes', options.maxResponseBytes, 1)
}
