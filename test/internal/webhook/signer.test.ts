import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signer } from '../../../src/internal/webhook/signer.js'

describe('signer', () => {
  it('adds nothing without signing', () => {
    const sign = signer(undefined, 'toWebhook')
    expect(sign.headersFor('key', '{}', 1)).toEqual({})
    expect(sign.secrets).toEqual([])
  })

  it('signs "<t>.<body>" with HMAC-SHA256 in the PowerFlow-Signature header by default', () => {
    const sign = signer({ secret: 'shh' }, 'toWebhook')
    const expected = createHmac('sha256', 'shh').update('1700000000.{"a":1}').digest('hex')
    expect(sign.headersFor('key', '{"a":1}', 1_700_000_000)).toEqual({
      'powerflow-signature': `t=1700000000,v1=${expected}`,
    })
    expect(sign.headers).toEqual(['powerflow-signature'])
  })

  it('uses the header given, lower-cased', () => {
    const sign = signer({ secret: 'shh', header: 'X-Sig' }, 'toWebhook')
    expect(Object.keys(sign.headersFor('key', '', 1))).toEqual(['x-sig'])
  })

  it('makes the Standard Webhooks headers under the idempotency key', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
    const sign = signer({ scheme: 'standard-webhooks', secret }, 'toWebhook')
    const headers = sign.headersFor('batch-1', '{}', 1_700_000_000)
    expect(headers['webhook-id']).toBe('batch-1')
    expect(headers['webhook-timestamp']).toBe('1700000000')
    expect(headers['webhook-signature']).toMatch(/^v1,/)
    expect(sign.secrets).toEqual([secret.slice('whsec_'.length)])
  })

  it('refuses an unknown scheme and a bad Standard Webhooks secret, naming the sink', () => {
    expect(() => signer({ scheme: 'other' as 'powerflow', secret: 's' }, 'toWebhook')).toThrow(
      "toWebhook: signing.scheme must be 'powerflow' or 'standard-webhooks' (got other)",
    )
    expect(() => signer({ scheme: 'standard-webhooks', secret: 'nope' }, 'toWebhook')).toThrow(
      'toWebhook: signing:',
    )
  })
})
