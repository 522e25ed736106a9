/**
 * Adversarial audit of the HTTP side: secrets never leak, every undelivered record is
 * dead-lettered once, a server that goes away mid-run leaves balanced books and no sockets.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromHttp } from '../../src/sources/fromHttp.js'
import { map } from '../../src/operators/map.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { toJson } from '../../src/sinks/toJson.js'
import { toArray } from '../../src/sinks/toArray.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { failFast } from '../../src/policies/failFast.js'
import { startFlakyServer, type FlakyServer } from '../support/flakyServer.js'
import {
  activeResources,
  eventually,
  expectBalanced,
  settle,
  readDeadLetters,
} from '../support/ledger.js'

const SECRETS = {
  user: 'hookuser',
  password: 'pa55-w0rd-xyz',
  token: 'query-token-123456',
  bearer: 'bearer-secret-abcdef',
  apiKey: 'api-key-secret-98765',
  signing: 'signing-secret-zyxwv',
}
const basic = Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString('base64')

function expectNoSecrets(text: string): void {
  for (const secret of [...Object.values(SECRETS).filter((s) => s !== SECRETS.user), basic])
    expect(text, `leaks ${secret}`).not.toContain(secret)
}

function collectText(): { stream: Writable; text: () => string } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString()
      done()
    },
  })
  return { stream, text: () => text }
}

function everything(value: unknown): string {
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

let dir: string
let server: FlakyServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-audit-http-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('toWebhook', () => {
  it('keeps every secret out of the report, errors, causes, progress output and dead letters', async () => {
    // A hostile server: echoes what it was sent (headers and URL) in its error bodies.
    server = await startFlakyServer((request) => ({
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
    server = await startFlakyServer((request) => ({
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

  it('dead-letters each record of a server that goes away mid-run exactly once', async () => {
    let closing: Promise<void> | undefined
    server = await startFlakyServer((request) => {
      if (request.index === 30) closing = server.close()
      return { kind: 'respond', status: 200 }
    })
    const dead = join(dir, 'closing-dead.ndjson')
    const received = (): number[] =>
      server.requests.flatMap((request) =>
        request.body === ''
          ? []
          : (JSON.parse(request.body) as Array<{ id: number }>).map((r) => r.id),
      )
    const { report, error } = await settle(
      pipe(
        fromGenerator(Array.from({ length: 200 }, (_, id) => ({ id }))),
        deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
        toWebhook(`${server.origin}/hook`, {
          batchSize: 4,
          concurrency: 2,
          retries: 1,
          minDelayMs: 1,
          maxDelayMs: 2,
          timeoutMs: 500,
          highWaterMark: 20,
        }),
      ),
    )
    await closing
    expect(error).toBeUndefined()
    expectBalanced(report)
    const failedIds = (await readDeadLetters(dead)).map(
      (letter) => (letter.record as { id: number }).id,
    )
    expect(failedIds).toHaveLength(report.failed)
    expect(new Set(failedIds).size).toBe(failedIds.length)
    expect(report.failed).toBeGreaterThan(0)
    // Every record either reached the server or was dead-lettered.
    const got = new Set(received())
    for (let id = 0; id < 200; id++)
      expect(got.has(id) || failedIds.includes(id), `record ${id}`).toBe(true)
    expect(report.written).toBeLessThanOrEqual(got.size)
  })

  it('releases its sockets and timers when aborted with requests in flight', async () => {
    server = await startFlakyServer(() => ({ kind: 'respond', status: 200, delayMs: 10_000 }))
    const before = activeResources()
    const controller = new AbortController()
    const dead = join(dir, 'abort-dead.ndjson')
    const run = settle(
      pipe(
        fromGenerator(Array.from({ length: 50 }, (_, id) => ({ id }))),
        deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
        toWebhook(`${server.origin}/hook`, { concurrency: 3, signal: controller.signal }),
      ),
    )
    await eventually(() => server.requests.length >= 3)
    controller.abort()
    const { report, error } = await run
    expect(error?.name).toBe('AbortError')
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    expect(report.written).toBe(0)
    expect(report.droppedByReason['aborted']).toBe(50)
    await server.close()
    await eventually(
      () => (activeResources()['TCPSocketWrap'] ?? 0) <= (before['TCPSocketWrap'] ?? 0),
    )
    const after = activeResources()
    expect(after['TCPSocketWrap'] ?? 0).toBeLessThanOrEqual(before['TCPSocketWrap'] ?? 0)
    expect(after['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0)
  })
})

describe('fromHttp', () => {
  it('keeps a query token out of the error when the server fails, and releases the socket', async () => {
    server = await startFlakyServer((request) => ({
      kind: 'respond',
      status: 403,
      body: `forbidden ${request.url}`,
    }))
    const before = activeResources()
    const { report, error } = await settle(
      pipe(
        fromHttp(`${server.origin}/items?api_key=${SECRETS.apiKey}`, {
          headers: { 'X-Api-Key': SECRETS.apiKey },
          retries: 0,
        }),
        map((item) => item),
        toArray(),
      ),
    )
    await server.close()
    expect(report.status).toBe('failed')
    expectBalanced(report)
    expect(error?.message).toContain('403')
    expectNoSecrets(everything(error))
    expectNoSecrets(JSON.stringify(report))
    await eventually(
      () => (activeResources()['TCPSocketWrap'] ?? 0) <= (before['TCPSocketWrap'] ?? 0),
    )
    expect(activeResources()['TCPSocketWrap'] ?? 0).toBeLessThanOrEqual(
      before['TCPSocketWrap'] ?? 0,
    )
  })

  it('keeps the secrets of a next-page link out of the error when that page fails', async () => {
    const signature = 'next-page-signature-424242'
    const token = 'next-page-token-777777'
    server = await startFlakyServer((request) =>
      request.url === '/items'
        ? {
            kind: 'respond',
            status: 200,
            body: JSON.stringify({
              items: [{ id: 1 }],
              next: `/items?page=2&X-Amz-Signature=${signature}&token=${token}`,
            }),
          }
        : { kind: 'respond', status: 403, body: `denied ${request.url}` },
    )
    const { report, error } = await settle(
      pipe(
        fromHttp(`${server.origin}/items`, {
          recordsPath: 'items',
          pagination: { by: 'nextLink', path: 'next' },
          retries: 0,
        }),
        toArray(),
      ),
    )
    await server.close()
    expect(report.status).toBe('failed')
    expectBalanced(report)
    expect(error?.message).toContain('page 2: HTTP 403')
    expect(error?.message).toContain('page=2')
    for (const text of [everything(error), JSON.stringify(report)]) {
      expect(text).not.toContain(signature)
      expect(text).not.toContain(token)
    }
  })

  it('releases its socket and timers when aborted while a page is slow to come', async () => {
    server = await startFlakyServer(() => ({
      kind: 'respond',
      status: 200,
      body: '[]',
      delayMs: 10_000,
    }))
    const before = activeResources()
    const controller = new AbortController()
    const run = settle(
      pipe(
        fromHttp(`${server.origin}/items`, { timeoutMs: 60_000 }),
        toArray({ signal: controller.signal }),
      ),
    )
    await eventually(() => server.requests.length >= 1)
    controller.abort()
    const { report, error } = await run
    expect(error?.name).toBe('AbortError')
    expectBalanced(report)
    await server.close()
    await eventually(
      () => (activeResources()['TCPSocketWrap'] ?? 0) <= (before['TCPSocketWrap'] ?? 0),
    )
    const after = activeResources()
    expect(after['TCPSocketWrap'] ?? 0).toBeLessThanOrEqual(before['TCPSocketWrap'] ?? 0)
    expect(after['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0)
  })
})
