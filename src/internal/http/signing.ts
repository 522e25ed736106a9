/**
 * Webhook signatures in the form receivers already know from the big webhook senders:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
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
