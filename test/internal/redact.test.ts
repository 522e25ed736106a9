import { describe, expect, it } from 'vitest'
import {
  REDACTED,
  Redactor,
  isSecretHeader,
  redactHeaders,
  redactUrl,
} from '../../src/internal/redact.js'

describe('redactUrl', () => {
  it('hides user, password and secret query parameters, keeping the rest', () => {
    expect(
      redactUrl(
        'https://bob:pa55word@api.example.com/v1/hooks?token=abc&team=blue&api_key=k&Signature=s',
      ),
    ).toBe('https://***@api.example.com/v1/hooks?token=***&team=blue&api_key=***&Signature=***')
  })

  it('hides credential-like path segments of chat-service webhook URLs, keeping ordinary paths', () => {
    expect(
      redactUrl('https://hooks.slack.com/services/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'),
    ).toBe('https://hooks.slack.com/services/T0123ABCD/B0456EFGH/***')
    expect(
      redactUrl(
        'https://discord.com/api/webhooks/123456789012345678/aZ3kLmN0pQrStUvWxYz-1234567890abcdefGHIJ',
      ),
    ).toBe('https://discord.com/api/webhooks/123456789012345678/***')
    for (const plain of [
      'https://api.example.com/v1/events',
      'https://example.com/customers/12345/orders/2026-11-26',
      'https://example.com/a/very-long-descriptive-path-segment-name',
    ])
      expect(redactUrl(plain)).toBe(plain)
  })

  it('hides every parameter whose name says it is a secret', () => {
    for (const name of [
      'access_token',
      'key',
      'client_secret',
      'x-amz-signature',
      'myApiKey',
      'refresh_token',
    ]) {
      expect(redactUrl(`https://h/p?${name}=zzz9`)).toBe(`https://h/p?${name}=${REDACTED}`)
    }
    expect(redactUrl('https://h/p?page=2&monkey=1')).toBe('https://h/p?page=2&monkey=1')
  })

  it('removes credentials from text that does not parse as a URL', () => {
    expect(redactUrl('//user:pw@host/path with space')).toBe('//***@host/path with space')
  })
})

describe('redactHeaders', () => {
  it('hides Authorization, API-key, cookie and signing headers', () => {
    expect(
      redactHeaders(
        {
          Authorization: 'Bearer x',
          'X-Api-Key': 'k',
          Cookie: 'a=b',
          'PowerFlow-Signature': 't=1,v1=ab',
          'X-Hub-Sig': 'v',
          Accept: 'application/json',
        },
        ['x-hub-sig'],
      ),
    ).toEqual({
      Authorization: REDACTED,
      'X-Api-Key': REDACTED,
      Cookie: REDACTED,
      'PowerFlow-Signature': REDACTED,
      'X-Hub-Sig': REDACTED,
      Accept: 'application/json',
    })
    expect(isSecretHeader('content-type')).toBe(false)
  })
})

describe('Redactor', () => {
  const redactor = Redactor.forRequest(
    'https://u:hunter22@h/x?token=tok_123456&page=1',
    { authorization: 'Bearer sk_live_999', 'x-api-key': 'key_abcdef', accept: 'text/plain' },
    ['whsec_signing'],
  )

  it('scrubs every known secret from text, whole header values and bare credentials alike', () => {
    const text = redactor.text(
      'token tok_123456, header Bearer sk_live_999, bare sk_live_999, key key_abcdef, secret whsec_signing, pw hunter22, page=1',
    )
    expect(text).toBe('token ***, header ***, bare ***, key ***, secret ***, pw ***, page=1')
  })

  it('scrubs percent-encoded secrets and credentials in any URL', () => {
    const withSpace = new Redactor(['a secret/value'])
    expect(withSpace.text('q=a%20secret%2Fvalue')).toBe('q=***')
    expect(redactor.text('see http://alice:open@other.host/')).toBe('see http://***@other.host/')
  })

  it('scrubs strings inside objects and keeps errors free of request internals', () => {
    expect(redactor.value({ a: ['tok_123456', 2], b: { c: 'Bearer sk_live_999' } })).toEqual({
      a: ['***', 2],
      b: { c: '***' },
    })
    const source = Object.assign(new Error('failed for tok_123456'), {
      code: 'ECONNRESET',
      request: { headers: { authorization: 'Bearer sk_live_999' } },
    })
    const safe = redactor.error(source)
    expect(safe.message).toBe('failed for ***')
    expect((safe as Error & { code?: string }).code).toBe('ECONNRESET')
    expect(JSON.stringify(safe)).not.toContain('sk_live_999')
  })

  it('scrubs a secret path segment of its URL wherever it is echoed', () => {
    const redactor = Redactor.forRequest(
      'https://hooks.example.com/services/q8VxKcN2mP4rT6yW9zL1aB3d',
    )
    expect(redactor.text('404: no hook q8VxKcN2mP4rT6yW9zL1aB3d here')).toBe(
      '404: no hook *** here',
    )
  })

  it('leaves very short values alone, so innocent text survives', () => {
    expect(new Redactor(['ab', undefined]).text('ab cd')).toBe('ab cd')
  })
})
