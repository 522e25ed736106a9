import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  REDACTED,
  Redactor,
  isSecretHeader,
  redactHeaders,
  redactUrl,
} from '../../src/internal/redact.js'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { toJson } from '../../src/sinks/toJson.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { failFast } from '../../src/policies/failFast.js'
import { startFlakyServer } from '../support/flakyServer.js'
import { expectBalanced, readDeadLetters, settle } from '../support/ledger.js'
import { SECRETS, basic, collectText, everything, expectNoSecrets } from '../support/secrets.js'

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

describe('secrets a review found in clear', () => {
  it('scrubs a key given as the URL user name, wherever it is echoed', () => {
    const url = 'http://sk_live_51Habcdef:@api.example.com/v1/charges'
    expect(redactUrl(url)).toBe('http://***@api.example.com/v1/charges')
    const redactor = Redactor.forRequest(url)
    expect(redactor.text('401: invalid key sk_live_51Habcdef')).toBe('401: invalid key ***')
  })

  it('scrubs the value of every header the user gave, whatever its name, except public ones', () => {
    const headers = {
      'X-Auth-Key': 'auth-key-value-1',
      'X-Functions-Key': 'functions-key-value-2',
      'Ocp-Apim-Subscription-Key': 'apim-value-3',
      'DD-Application-Key': 'dd-app-value-4',
      'X-Master-Key': 'master-value-5',
      'X-Access-Key': 'access-value-6',
      'X-Tenant': 'tenant-value-7',
      'X-Source': 'powerflow-nightly',
      Accept: 'application/json',
    }
    const redactor = Redactor.forRequest('https://h/x', headers, [], [], {
      publicHeaders: ['x-source'],
    })
    const echoed = Object.values(headers).join(' ')
    expect(redactor.text(echoed)).toBe(
      '*** *** *** *** *** *** *** powerflow-nightly application/json',
    )
    for (const name of Object.keys(headers).slice(0, 6)) expect(isSecretHeader(name)).toBe(true)
  })

  it('does not let publicHeaders un-hide a header whose name says it is a secret', () => {
    const redactor = Redactor.forRequest(
      'https://h/x',
      { Authorization: 'Bearer abcdef1' },
      [],
      [],
      {
        publicHeaders: ['Authorization'],
      },
    )
    expect(redactor.text('got Bearer abcdef1')).toBe('got ***')
  })

  it('hides more query parameters whose names say they hold a credential', () => {
    for (const name of [
      'jwt',
      'private_key',
      'access_key',
      'signing_key',
      'auth_key',
      'pass',
      'bearer',
      'credentials',
      'sharedKey',
      'client_assertion',
      'license_key',
    ]) {
      expect(redactUrl(`https://h/p?${name}=zzz9&page=2`)).toBe(
        `https://h/p?${name}=${REDACTED}&page=2`,
      )
      expect(new Redactor([]).text(`next: /p?page=2&${name}=zzz9`)).toBe(
        `next: /p?page=2&${name}=${REDACTED}`,
      )
    }
    expect(redactUrl('https://h/p?sort=name&monkey=1&turnkey=2')).toBe(
      'https://h/p?sort=name&monkey=1&turnkey=2',
    )
  })

  it('keeps a __proto__ key of a value it scrubs as a key', () => {
    const scrubbed = new Redactor(['s3cret-value']).value(
      JSON.parse('{"__proto__":"s3cret-value","a":1}'),
    ) as Record<string, unknown>
    expect(Object.getOwnPropertyDescriptor(scrubbed, '__proto__')?.value).toBe('***')
    expect(Object.getPrototypeOf(scrubbed)).toBe(Object.prototype)
  })
})

describe('Redactor, in a toWebhook run', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powerflow-redact-'))
  })

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps every secret out of the report, errors, causes, progress output and dead letters', async () => {
    // A hostile server: echoes what it was sent (headers and URL) in its error bodies.
    const server = await startFlakyServer((request) => ({
      kind: 'respond',
      status: request.index % 3 === 0 ? 500 : 400,
      body: JSON.stringify({ url: request.url, headers: request.headers }),
    }))
    const dead = join(dir, 'secrets-dead.ndjson')
    const progress = collectText()
    const url = `http://${SECRETS.user}:${SECRETS.password}@${server.origin.slice(7)}/hook?token=${SECRETS.token}&page=1`
    const { report, error } = await settle(
      pipe(
        fromGenerator([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]),
        deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
        toWebhook(url, {
          headers: { Authorization: `Bearer ${SECRETS.bearer}`, 'X-Api-Key': SECRETS.apiKey },
          signing: { secret: SECRETS.signing },
          retries: 1,
          minDelayMs: 1,
          maxDelayMs: 2,
          progress: { stream: progress.stream, intervalMs: 1 },
        }),
      ),
    )
    await server.close()
    expect(error).toBeUndefined()
    expectBalanced(report)
    expect(report.failed).toBe(4)
    // The server really got the secrets: the test would catch an echo.
    expect(server.requests[0]?.headers['x-api-key']).toBe(SECRETS.apiKey)
    expectNoSecrets(JSON.stringify(report))
    expectNoSecrets(everything(report))
    // The progress output is there (with the endpoint in the summary), only without secrets.
    expect(progress.text()).toContain('127.0.0.1')
    expectNoSecrets(progress.text())
    expectNoSecrets(await readFile(dead, 'utf8'))
    expect(await readDeadLetters(dead)).toHaveLength(4)
  })

  it('keeps secrets out of the failFast error and its cause', async () => {
    const server = await startFlakyServer((request) => ({
      kind: 'respond',
      status: 401,
      body: `bad credentials ${request.headers['authorization'] ?? ''} ${request.url}`,
    }))
    const url = `${server.origin}/hook?access_token=${SECRETS.token}`
    const { report, error } = await settle(
      pipe(
        fromGenerator([{ id: 1 }, { id: 2 }]),
        failFast(),
        toWebhook(url, { headers: { authorization: `Basic ${basic}` }, retries: 0 }),
      ),
    )
    await server.close()
    expect(report.status).toBe('failed')
    expectBalanced(report)
    expect(error?.message).toContain('401')
    expectNoSecrets(everything(error))
    expectNoSecrets(JSON.stringify(report))
  })
})
