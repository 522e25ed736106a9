import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { standardWebhooksHeaders, standardWebhooksKey } from '../../../src/internal/http/signing.js'

describe('Standard Webhooks signing', () => {
  it('makes the signature the reference library makes', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`
    const now = Math.floor(Date.now() / 1000)
    const headers = standardWebhooksHeaders(standardWebhooksKey(secret), 'msg_1', now, '{"a":1}')
    expect(headers['webhook-signature']).toBe(
      new Webhook(secret).sign('msg_1', new Date(now * 1000), '{"a":1}'),
    )
  })

  it('refuses secrets that are not whsec_ and the base64 of 24 to 64 bytes', () => {
    for (const secret of [
      '',
      'secret',
      `whsec_${randomBytes(16).toString('base64')}`,
      `whsec_${randomBytes(65).toString('base64')}`,
      'whsec_!!!!',
    ])
      expect(() => standardWebhooksKey(secret)).toThrow(/whsec_ followed by the base64/)
  })
})
