/**
 * Secrets for the tests that check none of them leaks, and the checks: a text holds none of them,
 * and `everything` reads every string reachable from a value (errors, causes, stacks, keys).
 */
import { Writable } from 'node:stream'
import { expect } from 'vitest'

export const SECRETS = {
  user: 'hookuser',
  password: 'pa55-w0rd-xyz',
  token: 'query-token-123456',
  bearer: 'bearer-secret-abcdef',
  apiKey: 'api-key-secret-98765',
  signing: 'signing-secret-zyxwv',
}

/** The Basic authorization of `SECRETS.user` and `SECRETS.password`. */
export const basic = Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString('base64')

/** The text holds none of the secrets (the user name is not one). */
export function expectNoSecrets(text: string): void {
  for (const secret of [...Object.values(SECRETS).filter((s) => s !== SECRETS.user), basic])
    expect(text, `leaks ${secret}`).not.toContain(secret)
}

/** A stream that keeps what it is given, as text. */
export function collectText(): { stream: Writable; text: () => string } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream, text: () => text }
}

/** Every string reachable from `value`: names, messages, stacks, causes, keys and values. */
export function everything(value: unknown): string {
  const seen = new Set<unknown>()
  const walk = (item: unknown): string => {
    if (item === null || typeof item !== 'object') return String(item)
    if (seen.has(item)) return ''
    seen.add(item)
    let out = ''
    if (item instanceof Error)
      out += `${item.name} ${item.message} ${item.stack ?? ''} ${walk(item.cause)}`
    for (const key of Reflect.ownKeys(item))
      out += ` ${String(key)} ${walk((item as Record<PropertyKey, unknown>)[key])}`
    return out
  }
  return walk(value)
}
