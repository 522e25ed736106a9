/**
 * Webhook signatures, in two schemes:
 *
 * - `powerflow` (the default): `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` in one
 *   header, the form receivers know from the big webhook senders;
 * - `standard-webhooks`: the Standard Webhooks specification — `webhook-id`, `webhook-timestamp`
 *   and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`, keyed by
 *   the bytes of a `whsec_<base64>` secret — which receivers verify with the `standardwebhooks`
 *   libraries.
 *
 * @internal
 * @packageDocumentation
 */
import { createHmac } from 'node:crypto'

/** The header a signature goes in unless the user names another. @internal */
export const DEFAULT_SIGNATURE_HEADER = 'PowerFlow-Signature'

/** The signature header value for `body` signed with `secret` at `unixSeconds`. @internal */
export function signatureFor(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${mac}`
}

/** The prefix of a Standard Webhooks secret. @internal */
export const STANDARD_WEBHOOKS_PREFIX = 'whsec_'

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * The key bytes of a Standard Webhooks secret (`whsec_` then base64 of 24 to 64 bytes, as the
 * specification asks). Throws a TypeError that does not show the secret when it is not one.
 *
 * @internal
 */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded =
    typeof secret === 'string' && secret.startsWith(STANDARD_WEBHOOKS_PREFIX)
      ? secret.slice(STANDARD_WEBHOOKS_PREFIX.length)
      : undefined
  const key =
    encoded !== undefined && BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined
  if (key === undefined || key.length < 24 || key.length > 64)
    throw new TypeError(
      'a Standard Webhooks secret is whsec_ followed by the base64 of 24 to 64 random bytes (the secret given is not; it is not shown)',
    )
  return key
}

/** The Standard Webhooks headers of one attempt. @internal */
export function standardWebhooksHeaders(
  key: Buffer,
  id: string,
  unixSeconds: number,
  body: string,
): Record<string, string> {
  const mac = createHmac('sha256', key).update(`${id}.${unixSeconds}.${body}`).digest('base64')
  return {
    'webhook-id': id,
    'webhook-timestamp': String(unixSeconds),
    'webhook-signature': `v1,${mac}`,
  }
}
