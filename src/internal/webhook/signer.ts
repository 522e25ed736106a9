/**
 * Request signing of the webhook sinks: the headers each attempt gets, and the secrets and header
 * names the redactor must hide.
 *
 * @internal
 * @packageDocumentation
 */
import {
  DEFAULT_SIGNATURE_HEADER,
  STANDARD_WEBHOOKS_PREFIX,
  signatureFor,
  standardWebhooksHeaders,
  standardWebhooksKey,
} from '../http/signing.js'

/** The `signing` option (documented on the public `ToWebhookOptions`). @internal */
export type WebhookSigning =
  | { readonly scheme?: 'powerflow'; readonly secret: string; readonly header?: string }
  | { readonly scheme: 'standard-webhooks'; readonly secret: string }

/** What signing adds to each attempt, and the secrets and header names it makes. @internal */
export interface Signer {
  readonly headersFor: (key: string, body: string, unixSeconds: number) => Record<string, string>
  readonly secrets: readonly string[]
  readonly headers: readonly string[]
}

/**
 * The signer of `signing` (none: no headers); throws a TypeError naming `label` for an unknown
 * scheme or a Standard Webhooks secret that is not `whsec_` and base64.
 *
 * @internal
 */
export function signer(signing: WebhookSigning | undefined, label: string): Signer {
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
