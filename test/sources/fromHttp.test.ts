import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { take } from 'rxjs'
import { fromHttp } from '../../src/sources/fromHttp.js'
import { toArray } from '../../src/sinks/toArray.js'
import { runToArray } from '../../src/testing/runToArray.js'
import type { StateStore } from '../../src/core/StateStore.js'
import {
  sequence,
  startFlakyServer,
  type Behaviour,
  serversClosedAfterEach,
} from '../support/flakyServer.js'
import { endlessServersClosedAfterEach } from '../support/endlessServer.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { map } from '../../src/operators/map.js'
import { activeResources, eventually, expectBalanced, settle } from '../support/ledger.js'
import { slowSink, withoutLeaks } from '../support/sampleFiles.js'
import { SECRETS, everything, expectNoSecrets } from '../support/secrets.js'

const serve = serversClosedAfterEach()

const json = (body: unknown, headers: Record<string, string> = {}): Behaviour => ({
  kind: 'respond',
  body: JSON.stringify(body),
  headers,
})
const query = (url: string, name: string): string | null =>
  new URL(url, 'http://local').searchParams.get(name)
const fast = { minDelayMs: 1, maxDelayMs: 5 } as const

describe('fromHttp', () => {
  it('reads one page whose body is the array of records', async () => {
    const server = await serve(() => json([{ id: 1 }, { id: 2 }]))
    const report = await pipe(fromHttp(`${server.origin}/items`), toArray())
    expect(report.records).toEqual([{ id: 1 }, { id: 2 }])
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/items' })
    expect(server.requests[0]?.headers.accept).toBe('application/json')
    expect(report.stages[0]).toMatchObject({
      kind: 'source',
      name: `fromHttp ${server.origin}/items`,
    })
  })

  it('follows a next link in the body, relative or absolute, selecting records by path', async () => {
    const server = await serve((request) => {
      if (request.url === '/deals')
        return json({ data: { items: [1, 2] }, links: { next: '/deals?after=2' } })
      if (request.url === '/deals?after=2')
        return json({
          data: { items: [3] },
          links: { next: `http://127.0.0.1:${port}/deals?after=3` },
        })
      return json({ data: { items: [4] }, links: { next: null } })
    })
    const port = new URL(server.origin).port
    const report = await pipe(
      fromHttp(`${server.origin}/deals`, {
        recordsPath: 'data.items',
        pagination: { by: 'nextLink', path: 'links.next' },
      }),
      toArray(),
    )
    expect(report.records).toEqual([1, 2, 3, 4])
    expect(server.requests.map((r) => r.url)).toEqual([
      '/deals',
      '/deals?after=2',
      '/deals?after=3',
    ])
  })

  it('follows the Link header rel="next"', async () => {
    const server = await serve((request) => {
      const page = Number(query(request.url, 'p') ?? '1')
      const links = [`</list?p=1>; rel="first"`]
      if (page < 3) links.push(`</list?p=${page + 1}>; rel="next"`)
      return json([{ page }], { link: links.join(', ') })
    })
    const report = await pipe(
      fromHttp(`${server.origin}/list`, { pagination: { by: 'linkHeader' } }),
      toArray(),
    )
    expect(report.records).toEqual([{ page: 1 }, { page: 2 }, { page: 3 }])
    expect(server.requests).toHaveLength(3)
  })

  it('sends the cursor from the body back as a query parameter until there is none', async () => {
    const server = await serve((request) => {
      const cursor = query(request.url, 'cursor')
      if (cursor === null) return json({ results: ['a', 'b'], meta: { next: 'c1' } })
      if (cursor === 'c1') return json({ results: ['c'], meta: { next: 'c2' } })
      return json({ results: ['d'], meta: {} })
    })
    const report = await pipe(
      fromHttp(`${server.origin}/r?limit=2`, {
        recordsPath: 'results',
        pagination: { by: 'cursor', cursorPath: 'meta.next', cursorParam: 'cursor' },
      }),
      toArray(),
    )
    expect(report.records).toEqual(['a', 'b', 'c', 'd'])
    expect(server.requests.map((r) => r.url)).toEqual([
      '/r?limit=2',
      '/r?limit=2&cursor=c1',
      '/r?limit=2&cursor=c2',
    ])
  })

  it('counts pages until an empty one', async () => {
    const server = await serve((request) => {
      const page = Number(query(request.url, 'page'))
      return json({ items: page <= 3 ? [page * 10, page * 10 + 1] : [] })
    })
    const report = await pipe(
      fromHttp(server.origin, {
        recordsPath: 'items',
        pagination: { by: 'page', pageParam: 'page' },
      }),
      toArray(),
    )
    expect(report.records).toEqual([10, 11, 20, 21, 30, 31])
    expect(server.requests.map((r) => query(r.url, 'page'))).toEqual(['1', '2', '3', '4'])
  })

  it('reads pages by offset, sending the page size as the limit, until an empty page', async () => {
    const rows = Array.from({ length: 25 }, (_, index) => index)
    const server = await serve((request) => {
      const offset = Number(query(request.url, 'skip'))
      return json({ items: rows.slice(offset, offset + Number(query(request.url, 'take'))) })
    })
    const report = await pipe(
      fromHttp(`${server.origin}/rows?sort=id`, {
        recordsPath: 'items',
        pagination: { by: 'offset', offsetParam: 'skip', limitParam: 'take', pageSize: 10 },
      }),
      toArray(),
    )
    expect(report.records).toEqual(rows)
    expect(server.requests.map((r) => r.url)).toEqual([
      '/rows?sort=id&skip=0&take=10',
      '/rows?sort=id&skip=10&take=10',
      '/rows?sort=id&skip=20&take=10',
      '/rows?sort=id&skip=30&take=10',
    ])
  })

  it('reads only the pages of a task, counted from 0, whatever the first page number', async () => {
    const server = await serve((request) => {
      const page = Number(query(request.url, 'p'))
      return json(page <= 7 ? [page * 10, page * 10 + 1] : [])
    })
    const pagination = { by: 'page', pageParam: 'p', firstPage: 0 } as const
    const read = (pages: { from: number; to: number }) =>
      pipe(fromHttp(server.origin, { pagination, pages }), toArray())
    const parts = [await read({ from: 0, to: 3 }), await read({ from: 3, to: 6 })]
    expect(parts.map((part) => part.records)).toEqual([
      [0, 1, 10, 11, 20, 21],
      [30, 31, 40, 41, 50, 51],
    ])
    expect(server.requests.map((r) => query(r.url, 'p'))).toEqual(['0', '1', '2', '3', '4', '5'])
    // A task past the end stops at the first empty page.
    server.requests.length = 0
    expect((await read({ from: 7, to: 20 })).records).toEqual([70, 71])
    expect(server.requests.map((r) => query(r.url, 'p'))).toEqual(['7', '8'])
    for (const part of parts) expectBalanced(part)
  })

  it('refuses pages without numbered or offset pages, and bad page ranges', () => {
    const url = 'http://127.0.0.1:9/x'
    expect(() =>
      fromHttp(url, {
        pagination: { by: 'cursor', cursorPath: 'next', cursorParam: 'c' },
        pages: { from: 0, to: 2 },
      }),
    ).toThrow('pages needs page or offset pagination')
    expect(() => fromHttp(url, { pages: { from: 0, to: 2 } })).toThrow('pages needs page or offset')
    const pagination = { by: 'page', pageParam: 'page' } as const
    for (const pages of [
      { from: 2, to: 2 },
      { from: -1, to: 2 },
      { from: 0.5, to: 2 },
    ])
      expect(() => fromHttp(url, { pagination, pages })).toThrow('pages must be whole numbers')
    expect(() =>
      fromHttp(url, { pagination: { by: 'offset', offsetParam: 'o', pageSize: 0 } }),
    ).toThrow('pagination.pageSize must be a whole number')
  })

  it('retries a 503 and goes on', async () => {
    const server = await serve(
      sequence({ kind: 'respond', status: 503 }, { kind: 'reset' }, json([{ ok: true }])),
    )
    const report = await pipe(fromHttp(server.origin, fast), toArray())
    expect(report.records).toEqual([{ ok: true }])
    expect(server.requests).toHaveLength(3)
  })

  it('fails the run naming the page when it cannot be fetched after the retries', async () => {
    const server = await serve((request) =>
      query(request.url, 'page') === '1'
        ? json({ items: [1] })
        : { kind: 'respond', status: 500, body: 'oops' },
    )
    const result = await runToArray(
      fromHttp(server.origin, {
        ...fast,
        retries: 2,
        recordsPath: 'items',
        pagination: { by: 'page', pageParam: 'page' },
      }),
    )
    expect(result.records).toEqual([1])
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toBe(
      `fromHttp ${server.origin}/ page 2: HTTP 500: oops (gave up after 3 attempts)`,
    )
    expect(server.requests).toHaveLength(4)
  })

  it('fails the run when the records path is not an array, or the body is not JSON', async () => {
    const wrongPath = await serve(() => json({ data: { item: [] } }))
    const first = await runToArray(fromHttp(wrongPath.origin, { recordsPath: 'data.items' }))
    expect(first.error?.message).toBe(
      `fromHttp ${wrongPath.origin}/ page 1: recordsPath data.items is not an array (missing)`,
    )

    const notJson = await serve(() => ({ kind: 'respond', body: '<html>maintenance</html>' }))
    const second = await runToArray(fromHttp(notJson.origin))
    expect(second.error?.message).toBe(
      `fromHttp ${notJson.origin}/ page 1: the response is not JSON: <html>maintenance</html>`,
    )
  })

  it('stops at maxPages and says so in the report', async () => {
    const server = await serve((request) => json({ items: [Number(query(request.url, 'page'))] }))
    const report = await pipe(
      fromHttp(server.origin, {
        recordsPath: 'items',
        maxPages: 3,
        pagination: { by: 'page', pageParam: 'page' },
      }),
      toArray(),
    )
    expect(report.records).toEqual([1, 2, 3])
    expect(server.requests).toHaveLength(3)
    expect(report.failures[0]).toMatchObject({ _tag: 'HttpWarning' })
    expect(report.failures[0]?.message).toContain('stopped after maxPages (3)')
  })

  it('stops a next link that points back to a page already read', async () => {
    const server = await serve(() => json({ items: [1], next: '/same' }))
    const result = await runToArray(
      fromHttp(`${server.origin}/same`, {
        recordsPath: 'items',
        pagination: { by: 'nextLink', path: 'next' },
      }),
    )
    expect(result.error?.message).toContain('page 2: the next page is')
    expect(server.requests).toHaveLength(1)
  })

  it('keeps the token and the Authorization header out of errors and the report', async () => {
    const server = await serve(() => ({
      kind: 'respond',
      status: 401,
      body: '{"error":"bad token"}',
    }))
    const result = await runToArray(
      fromHttp(`${server.origin}/x?access_token=at_5e5e5e5e`, {
        headers: { Authorization: 'Bearer br_7f7f7f7f' },
      }),
    )
    expect(server.requests[0]?.headers.authorization).toBe('Bearer br_7f7f7f7f')
    expect(result.error?.message).toBe(
      `fromHttp ${server.origin}/x?access_token=*** page 1: HTTP 401: {"error":"bad token"} (not retried, attempt 1)`,
    )
    const text = `${JSON.stringify(result.report)} ${result.error?.message} ${String(result.error?.cause)}`
    expect(text).not.toContain('at_5e5e5e5e')
    expect(text).not.toContain('br_7f7f7f7f')
  })

  it('sends none of the user headers to a next page on another origin', async () => {
    const elsewhere = await serve(() => json({ items: [2], next: null }))
    const server = await serve(() => json({ items: [1], next: `${elsewhere.origin}/more` }))
    const report = await pipe(
      fromHttp(`${server.origin}/items`, {
        headers: {
          Authorization: 'Bearer br_1a1a1a1a',
          'X-Api-Key': 'ak_2b2b2b2b',
          'X-Team': 'blue',
        },
        recordsPath: 'items',
        pagination: { by: 'nextLink', path: 'next' },
      }),
      toArray(),
    )
    expect(report.records).toEqual([1, 2])
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: 'Bearer br_1a1a1a1a',
      'x-api-key': 'ak_2b2b2b2b',
    })
    const sent = elsewhere.requests[0]?.headers
    expect(sent?.authorization).toBeUndefined()
    expect(sent?.['x-api-key']).toBeUndefined()
    // Any header the user gave may be a credential for the first origin only.
    expect(sent?.['x-team']).toBeUndefined()
    expect(sent?.accept).toBe('application/json')
  })

  it('keeps secret headers with unfamiliar names out of the other origin and out of errors', async () => {
    const elsewhere = await serve((request) => ({
      kind: 'respond',
      status: 400,
      body: `bad request, headers seen: ${JSON.stringify(request.headers)}`,
    }))
    const server = await serve((request) =>
      request.url === '/items'
        ? json({ items: [1], next: `${elsewhere.origin}/more` })
        : { kind: 'respond', status: 400, body: 'unused' },
    )
    const result = await runToArray(
      fromHttp(`${server.origin}/items`, {
        headers: { 'X-Functions-Key': 'fk_3c3c3c3c', 'Ocp-Apim-Subscription-Key': 'apim_4d4d4d' },
        recordsPath: 'items',
        pagination: { by: 'nextLink', path: 'next' },
      }),
    )
    expect(server.requests[0]?.headers['x-functions-key']).toBe('fk_3c3c3c3c')
    expect(elsewhere.requests[0]?.headers['x-functions-key']).toBeUndefined()
    expect(elsewhere.requests[0]?.headers['ocp-apim-subscription-key']).toBeUndefined()
    expect(result.report.status).toBe('failed')
    // An echo from the first origin would be scrubbed too: show it with a server that echoes.
    const echo = await serve((request) => ({
      kind: 'respond',
      status: 403,
      body: `denied for ${String(request.headers['x-functions-key'])} (${String(request.headers['x-source'])})`,
    }))
    const echoed = await runToArray(
      fromHttp(echo.origin, {
        headers: { 'X-Functions-Key': 'fk_3c3c3c3c', 'X-Source': 'nightly-job' },
        publicHeaders: ['X-Source'],
      }),
    )
    expect(echoed.error?.message).toContain('HTTP 403: denied for *** (nightly-job)')
    expect(`${JSON.stringify(echoed.report)} ${String(echoed.error?.message)}`).not.toContain(
      'fk_3c3c3c3c',
    )
  })

  it('sends user:password in the URL as Basic auth, as toWebhook does, and never shows them', async () => {
    const server = await serve(() => ({
      kind: 'respond',
      status: 401,
      body: 'user sk_live_9z9z9z9z is not allowed',
    }))
    const port = new URL(server.origin).port
    const withPassword = await runToArray(fromHttp(`http://ada:l0velace@127.0.0.1:${port}/x`))
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ada:l0velace').toString('base64')}`,
    )
    expect(withPassword.error?.message).toContain(`fromHttp http://***@127.0.0.1:${port}/x page 1`)
    const keyOnly = await runToArray(fromHttp(`http://sk_live_9z9z9z9z:@127.0.0.1:${port}/x`))
    expect(server.requests[1]?.headers.authorization).toBe(
      `Basic ${Buffer.from('sk_live_9z9z9z9z:').toString('base64')}`,
    )
    expect(keyOnly.error?.message).toContain('HTTP 401: user *** is not allowed')
    expect(JSON.stringify(keyOnly.report)).not.toContain('sk_live_9z9z9z9z')
  })

  it('stops requesting pages when the subscriber goes away', async () => {
    const server = await serve((request) => json({ items: [Number(query(request.url, 'page'))] }))
    const result = await runToArray(
      pipe(
        fromHttp(server.origin, {
          recordsPath: 'items',
          pagination: { by: 'page', pageParam: 'page' },
        }),
        take(2),
      ),
    )
    expect(result.records).toHaveLength(2)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(server.requests.length).toBeLessThanOrEqual(3)
  })
})

describe('fromHttp response size', () => {
  const serveEndless = endlessServersClosedAfterEach()

  it('stops reading a page past maxResponseBytes, closes the connection and fails naming the page', async () => {
    const server = await serveEndless()
    const result = await runToArray(
      fromHttp(`${server.origin}/export?api_key=k_abcdef123`, {
        ...fast,
        maxResponseBytes: 256 * 1024,
      }),
    )
    await server.closedByClient
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toContain(`fromHttp ${server.origin}/export?api_key=*** page 1:`)
    expect(result.error?.message).toContain('larger than maxResponseBytes (262144 bytes)')
    expect(result.error?.message).not.toContain('k_abcdef123')
    // Not retried: the server answered.
    expect(server.requests).toBe(1)
    expect(server.bytesWritten).toBeLessThan(64 * 1024 * 1024)
  })
})

describe('fromHttp with the state run option', () => {
  function memoryStore(): StateStore {
    const entries = new Map<string, unknown>()
    return {
      get: async (key) => entries.get(key),
      put: async (key, value) => void entries.set(key, JSON.parse(JSON.stringify(value))),
      delete: async (key) => void entries.delete(key),
      list: async () => [...entries.keys()].sort(),
    }
  }

  it('starts the next run at the cursor of the last page, and keeps no URL', async () => {
    // A feed: events after the cursor; the last page names no next cursor until more arrive.
    const events = ['a', 'b', 'c']
    const server = await serve((request) => {
      const after = Number(query(request.url, 'cursor') ?? '0')
      const page = events.slice(after, after + 2)
      const more = after + 2 < events.length
      return json({ results: page, meta: more ? { next: String(after + 2) } : {} })
    })
    const state = { store: memoryStore(), key: 'feed' }
    const read = () =>
      pipe(
        fromHttp(`${server.origin}/events?token=secret`, {
          name: 'feed',
          recordsPath: 'results',
          pagination: { by: 'cursor', cursorPath: 'meta.next', cursorParam: 'cursor' },
        }),
        toArray({ state }),
      )
    expect((await read()).records).toEqual(['a', 'b', 'c'])
    events.push('d', 'e', 'f')
    // The page the last run ended on is read again: 'c' is a duplicate, nothing is missed.
    expect((await read()).records).toEqual(['c', 'd', 'e', 'f'])
    const saved = await state.store.get('feed')
    expect(saved).toMatchObject({ positions: { feed: { http: { param: 'cursor', value: '4' } } } })
    expect(JSON.stringify(saved)).not.toContain('secret')
  })

  it('starts page-numbered reads at the last page that had records, which may have filled up', async () => {
    const rows = [1, 2, 3]
    const server = await serve((request) => {
      const page = Number(query(request.url, 'page'))
      return json(rows.slice((page - 1) * 2, page * 2))
    })
    const state = { store: memoryStore(), key: 'pages' }
    const read = () =>
      pipe(
        fromHttp(`${server.origin}/rows`, { pagination: { by: 'page', pageParam: 'page' } }),
        toArray({ state }),
      )
    expect((await read()).records).toEqual([1, 2, 3])
    rows.push(4, 5, 6)
    // Page 2 held 3 and now holds 3 and 4: read again, 3 is a duplicate and 4 is not missed.
    expect((await read()).records).toEqual([3, 4, 5, 6])
  })

  it("neither starts a task's pages at the saved page nor saves one", async () => {
    const server = await serve((request) => {
      const page = Number(query(request.url, 'page'))
      return json(page <= 4 ? [page] : [])
    })
    const store = memoryStore()
    await store.put('tasks', {
      version: 1,
      positions: { rows: { http: { param: 'page', value: '3' } } },
    })
    const report = await pipe(
      fromHttp(`${server.origin}/rows`, {
        name: 'rows',
        pagination: { by: 'page', pageParam: 'page' },
        pages: { from: 0, to: 2 },
      }),
      toArray({ state: { store, key: 'tasks' } }),
    )
    expect(report.records).toEqual([1, 2])
    expect(await store.get('tasks')).toMatchObject({
      positions: { rows: { http: { param: 'page', value: '3' } } },
    })
  })
})

describe('fromHttp, with a slow sink, a failing server or an abort', () => {
  it('keeps read-ahead bounded by one page over the high-water mark and releases its socket', async () => {
    const pages = 20
    const server = await startFlakyServer((request) => {
      const page = Number(new URL(request.url, 'http://x').searchParams.get('page'))
      const items =
        page > pages ? [] : Array.from({ length: 25 }, (_, n) => ({ id: `${page}-${n}` }))
      return { kind: 'respond', status: 200, body: JSON.stringify(items) }
    })
    let report: RunReport | undefined
    await withoutLeaks(async () => {
      report = await pipe(
        fromHttp(`${server.origin}/items`, { pagination: { by: 'page', pageParam: 'page' } }),
        slowSink({ highWaterMark: 10 }),
      )
      await server.close()
    })
    expectBalanced(report as RunReport)
    expect(report?.written).toBe(pages * 25)
    expect(report?.maxInFlight).toBeLessThanOrEqual(10)
  })

  it('keeps a query token out of the error when the server fails, and releases the socket', async () => {
    const server = await startFlakyServer((request) => ({
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
    const server = await startFlakyServer((request) =>
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
    const server = await startFlakyServer(() => ({
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
