import { execFileSync } from 'node:child_process'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { pipe } from 'fp-ts/lib/function.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { testKnobs } from '../../src/internal/testKnobs.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { failFast } from '../../src/policies/failFast.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { toArray } from '../../src/sinks/toArray.js'
import type { RunReport } from '../../src/core/RunReport.js'
import type { Sink } from '../../src/core/Sink.js'
import type { HttpReport } from '../../src/core/HttpReport.js'
import {
  ok,
  seededRandom,
  sequence,
  type Behaviour,
  type Plan,
  serversClosedAfterEach,
} from '../support/flakyServer.js'
import { endlessServersClosedAfterEach } from '../support/endlessServer.js'

/** The verify snippet from toWebhook's documentation, verbatim. */
function verifySignature(
  header: string,
  rawBody: string,
  secret: string,
  toleranceSeconds = 300,
): boolean {
  const fields = new Map(header.split(',').map((field) => field.split('=', 2) as [string, string]))
  const t = fields.get('t') ?? ''
  if (!/^\d+$/.test(t) || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest()
  const given = Buffer.from(fields.get('v1') ?? '', 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * The sink with `Retry-After` delays multiplied by `scale` while it runs (a test-only knob, not an
 * option), so a local server's `Retry-After: 1` need not cost a second.
 */
function scaledRetryAfter<A>(
  scale: number,
  sink: Sink<A>,
): Sink<A> {
  return async (flow) => {
    testKnobs.retryAfterScale = scale
    try {
      return await sink(flow)
    } finally {
      testKnobs.retryAfterScale = 1
    }
  }
}

const serve = serversClosedAfterEach()
const serveEndless = endlessServersClosedAfterEach()

/** Runs the sink and gives back the report, whether the run resolved or rejected. */
async function settle(run: Promise<RunReport>): Promise<{ report: RunReport; error?: Error }> {
  try {
    return { report: await run }
  } catch (error) {
    const report = (error as { report?: RunReport }).report
    if (report === undefined) throw error
    return { report, error: error as Error }
  }
}

const fast = { minDelayMs: 1, maxDelayMs: 5 } as const
const records = (n: number): Array<{ id: number }> => Array.from({ length: n }, (_, id) => ({ id }))
const httpOf = (report: RunReport): HttpReport => report['http'] as HttpReport
const status = (code: number, body = '', headers: Record<string, string> = {}): Behaviour => ({
  kind: 'respond',
  status: code,
  body,
  headers,
})

describe('toWebhook', () => {
  it('rejects numeric options that cannot work when the sink is made, not after a stall', () => {
    const url = 'http://127.0.0.1:9/hooks'
    expect(() => toWebhook(url, { concurrency: Number.NaN })).toThrow(
      'toWebhook: concurrency must be a whole number of at least 1 (got NaN)',
    )
    expect(() => toWebhook(url, { batchSize: 0 })).toThrow(/batchSize must be a whole number/)
    expect(() => toWebhook(url, { batchSize: 2.5 })).toThrow(/batchSize must be a whole number/)
    expect(() => toWebhook(url, { retries: -1 })).toThrow(
      /retries must be a whole number of at least 0/,
    )
    expect(() => toWebhook(url, { timeoutMs: 0 })).toThrow(/timeoutMs must be above 0/)
    expect(() => toWebhook(url, { batchBytes: Number.NaN })).toThrow(/batchBytes must be above 0/)
    expect(() => toWebhook(url, { minDelayMs: -5 })).toThrow(/minDelayMs must be at least 0/)
    expect(() => toWebhook(url, { retries: 0, concurrency: 1, batchSize: 1 })).not.toThrow()
  })

  it('posts each record as its own JSON body with an Idempotency-Key, and reports the requests', async () => {
    const server = await serve()
    const report = await pipe(fromGenerator(records(3)), toWebhook(`${server.origin}/hooks`))
    expect(report.written).toBe(3)
    expect(report.status).toBe('completed')
    expect(server.requests.map((r) => [r.method, r.url, JSON.parse(r.body)])).toEqual([
      ['POST', '/hooks', { id: 0 }],
      ['POST', '/hooks', { id: 1 }],
      ['POST', '/hooks', { id: 2 }],
    ])
    for (const request of server.requests) {
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/)
    }
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key'])).size).toBe(3)
    const http = httpOf(report)
    expect(http).toMatchObject({
      requests: 3,
      batches: 3,
      retries: 0,
      statusCodes: { '200': 3 },
      networkErrors: 0,
      bytesSent: server.requests.reduce((sum, r) => sum + Buffer.byteLength(r.body), 0),
    })
    expect(http.latencyMs.p50).toBeGreaterThan(0)
    expect(http.latencyMs.p99).toBeGreaterThanOrEqual(http.latencyMs.p50)
    expect(report.stages.at(-1)).toMatchObject({ kind: 'sink', in: 3, out: 3 })
  })

  it('sends batches as JSON arrays, cut by batchSize and by batchBytes', async () => {
    const server = await serve()
    const report = await pipe(
      fromGenerator(records(7)),
      toWebhook(`${server.origin}/batch`, { batchSize: 3, concurrency: 1 }),
    )
    expect(report.written).toBe(7)
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      [{ id: 0 }, { id: 1 }, { id: 2 }],
      [{ id: 3 }, { id: 4 }, { id: 5 }],
      [{ id: 6 }],
    ])

    const small = await serve()
    // Each record is 8 bytes as JSON: `[a,b]` is 19 bytes, a third would pass 20.
    await pipe(
      fromGenerator(records(5)),
      toWebhook(small.origin, { batchSize: 10, batchBytes: 20, concurrency: 1 }),
    )
    expect(small.requests.map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([2, 2, 1])
    expect(small.requests.every((r) => Buffer.byteLength(r.body) <= 20)).toBe(true)
  })

  it('wraps batches in an envelope, with the method and headers asked for', async () => {
    const server = await serve()
    await pipe(
      fromGenerator(records(2)),
      toWebhook(server.origin, {
        method: 'PUT',
        batchSize: 5,
        headers: { 'X-Source': 'powerflow-etl' },
        body: (batch) => ({ events: batch, count: batch.length }),
      }),
    )
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]?.method).toBe('PUT')
    expect(server.requests[0]?.headers['x-source']).toBe('powerflow-etl')
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      events: [{ id: 0 }, { id: 1 }],
      count: 2,
    })
  })

  it('retries 5xx with the same Idempotency-Key until the endpoint answers', async () => {
    const server = await serve(sequence(status(500), status(503), status(502), ok))
    const report = await pipe(
      fromGenerator(records(1)),
      toWebhook(server.origin, { ...fast, retries: 3 }),
    )
    expect(report.written).toBe(1)
    expect(server.requests).toHaveLength(4)
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1)
    expect(httpOf(report)).toMatchObject({
      requests: 4,
      batches: 1,
      retries: 3,
      statusCodes: { '500': 1, '503': 1, '502': 1, '200': 1 },
    })
  })

  it('makes at most retries + 1 attempts, then fails each record of the batch with an HttpError', async () => {
    const server = await serve(() => status(503, '{"error":"down for maintenance"}'))
    const { report } = await settle(
      pipe(
        fromGenerator(records(2)),
        toWebhook(server.origin, { ...fast, retries: 2, batchSize: 2 }),
      ),
    )
    expect(server.requests).toHaveLength(3)
    expect(report).toMatchObject({ status: 'completed', written: 0, failed: 2 })
    expect(report.failures).toHaveLength(2)
    expect(report.failures[0]).toMatchObject({
      _tag: 'HttpError',
      record: { id: 0 },
      details: { status: 503, body: '{"error":"down for maintenance"}', attempts: 3 },
    })
    expect(report.failures[0]?.message).toBe(
      `toWebhook ${server.origin}/: could not deliver a batch of 2 records: HTTP 503: {"error":"down for maintenance"} (gave up after 3 attempts)`,
    )
    expect(report.failures[1]?.record).toEqual({ id: 1 })
  })

  it('does not retry a 400 and keeps its status and an excerpt of its JSON error body', async () => {
    const server = await serve(() =>
      status(400, JSON.stringify({ error: 'invalid', detail: 'x'.repeat(2_000) })),
    )
    const { report } = await settle(pipe(fromGenerator(records(1)), toWebhook(server.origin, fast)))
    expect(server.requests).toHaveLength(1)
    const details = report.failures[0]?.details as {
      status: number
      body: string
      attempts: number
    }
    expect(details.status).toBe(400)
    expect(details.attempts).toBe(1)
    expect(details.body.startsWith('{"error":"invalid","detail":"xxx')).toBe(true)
    expect(details.body.length).toBeLessThanOrEqual(501)
    expect(report.failures[0]?.message).toContain('(not retried, attempt 1)')
  })

  it('waits the Retry-After in seconds that a 429 asks for, beyond maxDelayMs', async () => {
    const server = await serve(sequence(status(429, '', { 'retry-after': '1' }), ok))
    const report = await pipe(
      fromGenerator(records(1)),
      // Retry-After: 1 is waited as 1 s × 0.05 = 50 ms; backoff alone would wait at most 5 ms.
      scaledRetryAfter(0.05, toWebhook(server.origin, fast)),
    )
    expect(report.written).toBe(1)
    const [first, second] = server.requests
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(45)
  })

  it('waits until the HTTP date a 503 gives in Retry-After', async () => {
    const server = await serve((request) =>
      request.index === 0
        ? status(503, '', { 'retry-after': new Date(Date.now() + 3_000).toUTCString() })
        : ok,
    )
    const report = await pipe(
      fromGenerator(records(1)),
      // The date is 2–3 s ahead (it has whole seconds): scaled by 0.02, at least 40 ms.
      scaledRetryAfter(0.02, toWebhook(server.origin, fast)),
    )
    expect(report.written).toBe(1)
    const [first, second] = server.requests
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(35)
  })

  it('falls back to backoff for a Retry-After of 0 or garbage', async () => {
    for (const value of ['0', 'whenever you like', '-1']) {
      const server = await serve(sequence(status(429, '', { 'retry-after': value }), ok))
      const report = await pipe(
        fromGenerator(records(1)),
        scaledRetryAfter(1_000, toWebhook(server.origin, fast)),
      )
      expect(report.written).toBe(1)
      expect(server.requests).toHaveLength(2)
    }
  })

  it('fails saying why when Retry-After is longer than maxRetryAfterMs', async () => {
    const server = await serve(() => status(429, '', { 'retry-after': '120' }))
    const { report } = await settle(pipe(fromGenerator(records(1)), toWebhook(server.origin, fast)))
    expect(server.requests).toHaveLength(1)
    expect(report.failures[0]?.details).toMatchObject({ status: 429, attempts: 1 })
    expect(report.failures[0]?.message).toContain(
      'the server asked to retry after 120 s, more than maxRetryAfterMs 60 s',
    )
  })

  it('times out a slow response and retries it', async () => {
    const server = await serve(sequence({ kind: 'respond', delayMs: 10_000 }, ok))
    const report = await pipe(
      fromGenerator(records(1)),
      // Generous enough that the second, instant answer never times out on a loaded machine.
      toWebhook(server.origin, { ...fast, timeoutMs: 250 }),
    )
    expect(report.written).toBe(1)
    expect(httpOf(report)).toMatchObject({ requests: 2, retries: 1, networkErrors: 1 })
  })

  it('fails with the timeout as the reason once every attempt timed out', async () => {
    const server = await serve(() => ({ kind: 'respond', delayMs: 2_000 }))
    const { report } = await settle(
      pipe(
        fromGenerator(records(1)),
        toWebhook(server.origin, { ...fast, timeoutMs: 30, retries: 1 }),
      ),
    )
    expect(server.requests).toHaveLength(2)
    expect(report.failed).toBe(1)
    expect(report.failures[0]?.message).toContain(
      'timed out after 30 ms (gave up after 2 attempts)',
    )
    expect(report.failures[0]?.details).toMatchObject({ attempts: 2 })
  })

  it('retries after the connection is reset', async () => {
    const server = await serve(sequence({ kind: 'reset' }, { kind: 'reset' }, ok))
    const report = await pipe(fromGenerator(records(1)), toWebhook(server.origin, fast))
    expect(report.written).toBe(1)
    expect(server.requests).toHaveLength(3)
    expect(httpOf(report)).toMatchObject({
      requests: 3,
      networkErrors: 2,
      statusCodes: { '200': 1 },
    })
  })

  it('delivers 10,000 records through a server failing 30% of requests, losing none and counting right', async () => {
    // Whether a request fails depends only on its batch (first record id) and how often that
    // batch was seen, so the test is deterministic whatever the order of concurrent requests.
    const seen = new Map<string, number>()
    type Fate = 'ok' | 'error' | 'lost' | 'throttled'
    const fates: Fate[] = []
    const plan: Plan = (request) => {
      const batch = JSON.parse(request.body) as Array<{ id: number }>
      const key = String(request.headers['idempotency-key'])
      const count = (seen.get(key) ?? 0) + 1
      seen.set(key, count)
      const draw = seededRandom(((batch[0]?.id ?? 0) + 1) * 7_919 + count)()
      const fate: Fate =
        draw < 0.15 ? 'error' : draw < 0.25 ? 'lost' : draw < 0.3 ? 'throttled' : 'ok'
      fates[request.index] = fate
      if (fate === 'error') return status(500, '{"error":"flaky"}')
      if (fate === 'throttled') return status(429, '', { 'retry-after': '0' })
      if (fate === 'lost') return { kind: 'reset' } // the server took the batch, the response is lost
      return ok
    }
    const server = await serve(plan)
    const total = 10_000
    const { report } = await settle(
      pipe(
        fromGenerator(records(total)),
        toWebhook(server.origin, { ...fast, batchSize: 50, concurrency: 4, retries: 3 }),
      ),
    )

    // What the server took: accepted (200) or processed with the response lost.
    const receivedBy = new Map<number, Set<string>>()
    const acceptedKeys = new Set<string>()
    let receivedTimes = 0
    server.requests.forEach((request, index) => {
      const fate = fates[index]
      const key = String(request.headers['idempotency-key'])
      if (fate === 'ok') acceptedKeys.add(key)
      if (fate !== 'ok' && fate !== 'lost') return
      for (const record of JSON.parse(request.body) as Array<{ id: number }>) {
        receivedTimes += 1
        const keys = receivedBy.get(record.id) ?? new Set<string>()
        keys.add(key)
        receivedBy.set(record.id, keys)
      }
    })
    const failedIds = new Set(report.failures.map((f) => (f.record as { id: number }).id))

    // Every record either reached the server or is reported as failed.
    for (let id = 0; id < total; id++) expect(receivedBy.has(id) || failedIds.has(id)).toBe(true)
    // Received twice only as retries of one batch: one Idempotency-Key per record, and only
    // where that key's response had been lost.
    const lostKeys = new Set(
      server.requests
        .filter((_, index) => fates[index] === 'lost')
        .map((request) => String(request.headers['idempotency-key'])),
    )
    const receptions = new Map<number, number>()
    server.requests.forEach((request, index) => {
      if (fates[index] !== 'ok' && fates[index] !== 'lost') return
      for (const record of JSON.parse(request.body) as Array<{ id: number }>)
        receptions.set(record.id, (receptions.get(record.id) ?? 0) + 1)
    })
    for (const [id, keys] of receivedBy) {
      expect(keys.size).toBe(1)
      if ((receptions.get(id) ?? 0) > 1) expect(lostKeys.has([...keys][0] as string)).toBe(true)
    }
    expect(receivedTimes).toBeGreaterThan(total) // lost responses did happen and were retried

    // The report adds up and matches the server.
    const acceptedRecords = server.requests
      .filter((_, index) => fates[index] === 'ok')
      .reduce((sum, request) => sum + (JSON.parse(request.body) as unknown[]).length, 0)
    expect(report.status).toBe('completed')
    expect(report.read).toBe(total)
    expect(report.written).toBe(acceptedRecords)
    expect(report.failed).toBe(total - acceptedRecords)
    expect(report.failed).toBe(failedIds.size)
    expect(report.failed).toBeGreaterThan(0) // with 30% failures, some batches ran out of retries
    expect(report.written + report.failed + report.dropped).toBe(report.read)
    for (const failureSeen of report.failures) {
      expect(failureSeen.details?.['attempts']).toBe(4)
      expect(acceptedKeys.has(String(failureSeen.details?.['idempotencyKey']))).toBe(false)
    }
    const http = httpOf(report)
    const count = (fate: Fate): number => fates.filter((f) => f === fate).length
    expect(http.requests).toBe(server.requests.length)
    expect(http.batches).toBe(total / 50)
    expect(http.retries).toBe(server.requests.length - total / 50)
    expect(http.statusCodes).toEqual({
      '200': count('ok'),
      '500': count('error'),
      '429': count('throttled'),
    })
    expect(http.networkErrors).toBe(count('lost'))
    expect(http.bytesSent).toBe(
      server.requests.reduce((sum, request) => sum + Buffer.byteLength(request.body), 0),
    )
  })

  it('slows the source to a slow endpoint: read-ahead stays within the high-water mark', async () => {
    const server = await serve(() => ({ kind: 'respond', delayMs: 5 }))
    const report = await pipe(
      fromGenerator(records(600)),
      toWebhook(server.origin, { batchSize: 10, concurrency: 2, highWaterMark: 50 }),
    )
    expect(report.written).toBe(600)
    expect(report.maxInFlight).toBeLessThanOrEqual(50)
    expect(server.maxConcurrent).toBeLessThanOrEqual(2)
  })

  it('does not deadlock when a batch is larger than the budget: it flushes when the source waits', async () => {
    const server = await serve()
    const report = await pipe(
      fromGenerator(records(45)),
      toWebhook(server.origin, { batchSize: 1_000, highWaterMark: 10 }),
    )
    expect(report.written).toBe(45)
    expect(report.maxInFlight).toBeLessThanOrEqual(10)
    const sizes = server.requests.map((r) => (JSON.parse(r.body) as unknown[]).length)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(45)
  })

  it('signs each request so the receiver can verify it with the documented snippet', async () => {
    const server = await serve()
    await pipe(
      fromGenerator(records(3)),
      toWebhook(server.origin, { batchSize: 2, signing: { secret: 'whsec_test_0123' } }),
    )
    expect(server.requests).toHaveLength(2)
    for (const request of server.requests) {
      const header = String(request.headers['powerflow-signature'])
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
      expect(verifySignature(header, request.body, 'whsec_test_0123')).toBe(true)
      expect(verifySignature(header, request.body, 'another secret')).toBe(false)
      expect(verifySignature(header, `${request.body} `, 'whsec_test_0123')).toBe(false)
    }

    const custom = await serve()
    await pipe(
      fromGenerator(records(1)),
      toWebhook(custom.origin, { signing: { secret: 'whsec_test_0123', header: 'X-Signature' } }),
    )
    const header = String(custom.requests[0]?.headers['x-signature'])
    expect(verifySignature(header, custom.requests[0]?.body ?? '', 'whsec_test_0123')).toBe(true)
  })

  it('never shows the URL token, the Authorization header or the signing secret in failures, messages or the report', async () => {
    const token = 'tok_9f8e7d6c5b4a'
    const bearer = 'sk_live_abcdef123456'
    const secret = 'whsec_hidden_42'
    // A careless server that echoes the request's credentials in its error body.
    const server = await serve((request) =>
      status(
        400,
        JSON.stringify({
          error: 'bad',
          url: request.url,
          auth: request.headers.authorization,
          secret,
        }),
      ),
    )
    const url = `http://user:hunter22@127.0.0.1:${new URL(server.origin).port}/hooks?token=${token}&team=blue`
    const { report } = await settle(
      pipe(
        fromGenerator(records(2)),
        toWebhook(url, {
          ...fast,
          headers: { Authorization: `Bearer ${bearer}`, 'X-Api-Key': 'apikey_777888' },
          signing: { secret },
        }),
      ),
    )
    expect(server.requests[0]?.url).toBe(`/hooks?token=${token}&team=blue`)
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${bearer}`)
    expect(report.failed).toBe(2)
    const text =
      JSON.stringify(report) +
      report.failures.map((f) => `${f.message} ${String(f.cause)}`).join('\n')
    for (const leaked of [token, bearer, secret, 'hunter22', 'apikey_777888'])
      expect(text).not.toContain(leaked)
    expect(report.failures[0]?.stage).toBe(
      `toWebhook http://***@127.0.0.1:${new URL(server.origin).port}/hooks?token=***&team=blue`,
    )
    expect(report.failures[0]?.details?.['body']).toContain('"auth":"***"')
  })

  it('rejects with the first failure under failFast and stops sending', async () => {
    const server = await serve(() => status(422, '{"error":"unprocessable"}'))
    const { report, error } = await settle(
      pipe(
        fromGenerator(records(100)),
        failFast(),
        toWebhook(server.origin, { ...fast, concurrency: 1 }),
      ),
    )
    expect(error?.name).toBe('RunError')
    expect(error?.message).toContain('HTTP 422')
    expect(report.status).toBe('failed')
    expect(report.failed).toBe(1)
    expect(server.requests.length).toBeLessThan(100)
    expect(report.written + report.failed + report.dropped).toBe(report.read)
    expect(report.droppedByReason['aborted']).toBe(report.dropped)
  })

  it('sends the records it could not deliver to the dead-letter sink, with status and attempts', async () => {
    const server = await serve((request) =>
      (JSON.parse(request.body) as { id: number }).id % 2 === 0
        ? status(400, '{"error":"even"}')
        : ok,
    )
    const report = await pipe(
      fromGenerator(records(6)),
      deadLetter(toArray()),
      toWebhook(server.origin, fast),
    )
    expect(report).toMatchObject({ written: 3, failed: 3 })
    const dead = (report.deadLetter as RunReport & { records: Array<Record<string, unknown>> })
      .records
    expect(dead.map((d) => d['record'])).toEqual([{ id: 0 }, { id: 2 }, { id: 4 }])
    expect(dead[0]).toMatchObject({
      _tag: 'HttpError',
      details: { status: 400, body: '{"error":"even"}', attempts: 1 },
    })
  })

  it('hands each record of a failed batch to deadLetter with maxFailures, up to the one that stops the run', async () => {
    const server = await serve(() => status(400, '{"error":"no"}'))
    const { report, error } = await settle(
      pipe(
        fromGenerator(records(12)),
        deadLetter(toArray(), { maxFailures: 2 }),
        toWebhook(server.origin, { ...fast, batchSize: 5, concurrency: 1 }),
      ),
    )
    expect(error?.message).toContain('more than 2 failures')
    // The first batch of five: two failures within the limit, the third that ends the run.
    expect(report.failed).toBe(3)
    const dead = (report.deadLetter as RunReport & { records: Array<Record<string, unknown>> })
      .records
    expect(dead.map((d) => d['record'])).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }])
    expect(report.written + report.failed + report.dropped).toBe(report.read)
    expect(report.droppedByReason['aborted']).toBe(report.dropped)
  })

  it('cancels requests in flight on abort and rejects with an aborted report', async () => {
    const server = await serve(() => ({ kind: 'respond', delayMs: 5_000 }))
    const controller = new AbortController()
    const running = settle(
      pipe(fromGenerator(records(10)), toWebhook(server.origin, { signal: controller.signal })),
    )
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2))
    controller.abort()
    const { report, error } = await running
    expect(error?.name).toBe('AbortError')
    expect(report.status).toBe('aborted')
    expect(report.written).toBe(0)
    expect(report.dropped).toBe(report.read)
  })

  it('refuses a URL that is not http or https, without showing its credentials', () => {
    expect(() => toWebhook('ftp://user:pw1234@example.com/x?token=abcd1234')).toThrow(
      'toWebhook: ftp://***@example.com/x?token=*** is not an http: or https: URL',
    )
  })
  it('turns a record that cannot be sent as JSON into a SinkError and sends the others', async () => {
    const server = await serve()
    const { report } = await settle(
      pipe(fromGenerator<unknown>([{ id: 1 }, { id: 2n }, { id: 3 }]), toWebhook(server.origin)),
    )
    expect(report).toMatchObject({ written: 2, failed: 1 })
    expect(report.failures[0]).toMatchObject({ _tag: 'SinkError', record: { id: 2n } })
    expect(server.requests.map((r) => r.body)).toEqual(['{"id":1}', '{"id":3}'])
  })

  it('fails the batch as SinkErrors when the envelope function throws, sending nothing', async () => {
    const server = await serve()
    const { report } = await settle(
      pipe(
        fromGenerator(records(2)),
        toWebhook(server.origin, {
          batchSize: 2,
          body: () => {
            throw new Error('no envelope today')
          },
        }),
      ),
    )
    expect(server.requests).toHaveLength(0)
    expect(report).toMatchObject({ written: 0, failed: 2 })
    expect(report.failures[0]).toMatchObject({ _tag: 'SinkError', details: { attempts: 0 } })
    expect(report.failures[0]?.message).toContain(
      'could not deliver a batch of 2 records: the body function threw: no envelope today',
    )
  })

  it('sends credentials in the URL as a Basic Authorization header', async () => {
    const server = await serve()
    const port = new URL(server.origin).port
    await pipe(fromGenerator(records(1)), toWebhook(`http://ada:l0velace@127.0.0.1:${port}/in`))
    expect(server.requests[0]?.url).toBe('/in')
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ada:l0velace').toString('base64')}`,
    )
  })

  it('says so and does not retry when a redirect comes back', async () => {
    const server = await serve(() => status(301, '', { location: '/moved?token=tok_abcdef1' }))
    const url = `${server.origin}/old?token=tok_abcdef1`
    const { report } = await settle(pipe(fromGenerator(records(1)), toWebhook(url, fast)))
    expect(server.requests).toHaveLength(1)
    expect(report.failures[0]?.message).toContain(
      'HTTP 301: redirect to /moved?token=***, not followed (not retried, attempt 1)',
    )
  })

  it('verifies TLS certificates: a private CA must be given with `ca`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powerflow-tls-'))
    try {
      // A throwaway self-signed certificate for 127.0.0.1 (openssl is part of the test toolchain).
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      )
      const cert = await readFile(join(dir, 'cert.pem'))
      const key = await readFile(join(dir, 'key.pem'))
      let received = 0
      const server = createHttpsServer({ cert, key }, (request, response) => {
        request.resume()
        request.on('end', () => {
          received += 1
          response.end('ok')
        })
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      try {
        const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
        const untrusted = await settle(pipe(fromGenerator(records(1)), toWebhook(url, fast)))
        expect(untrusted.report.failed).toBe(1)
        expect(untrusted.report.failures[0]?.details).toMatchObject({ attempts: 1 })
        expect(untrusted.report.failures[0]?.message).toMatch(/network error [A-Z_]*CERT/)
        expect(received).toBe(0)

        const trusted = await pipe(fromGenerator(records(2)), toWebhook(url, { ...fast, ca: cert }))
        expect(trusted.written).toBe(2)
        expect(received).toBe(2)
      } finally {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('stops reading an endless 2xx response at maxResponseBytes, closes the connection and fails the batch', async () => {
    const server = await serveEndless()
    const url = `${server.origin}/hooks?token=tok_abcdef123`
    const { report } = await settle(
      pipe(fromGenerator(records(1)), toWebhook(url, { ...fast, maxResponseBytes: 128 * 1024 })),
    )
    await server.closedByClient
    expect(report.failed).toBe(1)
    expect(server.requests).toBe(1)
    const failure = report.failures[0]
    expect(failure).toMatchObject({
      _tag: 'HttpError',
      stage: `toWebhook ${server.origin}/hooks?token=***`,
    })
    expect(failure?.message).toContain(
      `the response of ${server.origin}/hooks?token=*** (HTTP 200) is larger than maxResponseBytes (131072 bytes)`,
    )
    expect(JSON.stringify(report)).not.toContain('tok_abcdef123')
  })

  it('caps a webhook response at 1 MiB by default', async () => {
    const server = await serveEndless()
    const { report } = await settle(pipe(fromGenerator(records(1)), toWebhook(server.origin, fast)))
    await server.closedByClient
    expect(report.failures[0]?.message).toContain('larger than maxResponseBytes (1048576 bytes)')
  })

  it('redacts an echoed header value whatever its name, unless it is named in publicHeaders', async () => {
    const server = await serve((request) =>
      status(400, `you sent ${JSON.stringify(request.headers)}`),
    )
    const { report } = await settle(
      pipe(
        fromGenerator(records(1)),
        toWebhook(server.origin, {
          ...fast,
          headers: {
            'X-Auth-Key': 'xak_11111111',
            'DD-Application-Key': 'dd_22222222',
            'X-Master-Key': 'mk_33333333',
            'X-Source': 'crm-sync',
          },
          publicHeaders: ['X-Source'],
        }),
      ),
    )
    const text = JSON.stringify(report)
    for (const secret of ['xak_11111111', 'dd_22222222', 'mk_33333333'])
      expect(text).not.toContain(secret)
    expect(report.failures[0]?.message).toContain('crm-sync')
  })

  it('redacts a key given as the URL user name wherever the server echoes it', async () => {
    const server = await serve(() => status(401, 'invalid api key sk_live_7y7y7y7y'))
    const port = new URL(server.origin).port
    const { report } = await settle(
      pipe(
        fromGenerator(records(1)),
        toWebhook(`http://sk_live_7y7y7y7y:@127.0.0.1:${port}/in`, fast),
      ),
    )
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('sk_live_7y7y7y7y:').toString('base64')}`,
    )
    expect(report.failures[0]?.message).toContain('invalid api key ***')
    expect(JSON.stringify(report)).not.toContain('sk_live_7y7y7y7y')
  })

  it("redacts a credential-like path in a redirect's Location", async () => {
    const hook = 'https://hooks.slack.com/services/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'
    const server = await serve(() => status(302, '', { location: hook }))
    const { report } = await settle(pipe(fromGenerator(records(1)), toWebhook(server.origin, fast)))
    expect(report.failures[0]?.message).toContain(
      'HTTP 302: redirect to https://hooks.slack.com/services/T0123ABCD/B0456EFGH/***, not followed',
    )
    expect(JSON.stringify(report)).not.toContain('q8VxKcN2mP4rT6yW9zL1aB3d')
  })

  it('rejects the run with its report when the destination never answered (a closed port)', async () => {
    const port = await closedPort()
    const run = pipe(
      fromGenerator(records(100)),
      toWebhook(`http://127.0.0.1:${port}/hooks`, { ...fast, retries: 1, concurrency: 1 }),
    )
    const { report, error } = await settle(run)
    expect(error?.name).toBe('RunError')
    expect(error?.message).toContain(
      `toWebhook http://127.0.0.1:${port}/hooks: the destination never answered (no response to any request of this run): network error ECONNREFUSED`,
    )
    expect(report.status).toBe('failed')
    // The first batch went through its retries and failed; the rest were never sent.
    expect(report.failed).toBe(1)
    expect(report.droppedByReason['aborted']).toBe(report.dropped)
    expect(report.read + report.created).toBe(
      report.written + report.dropped + report.merged + report.failed,
    )
    expect(httpOf(report)).toMatchObject({ requests: 2, networkErrors: 2 })
  })

  it('still hands the failed batch to deadLetter, with its key, when a never-answering destination rejects the run', async () => {
    const port = await closedPort()
    const { report, error } = await settle(
      pipe(
        fromGenerator(records(10)),
        deadLetter(toArray()),
        toWebhook(`http://127.0.0.1:${port}/hooks`, {
          ...fast,
          retries: 0,
          batchSize: 2,
          concurrency: 1,
        }),
      ),
    )
    expect(error?.message).toContain('the destination never answered')
    const dead = (report.deadLetter as RunReport & { records: Array<Record<string, unknown>> })
      .records
    expect(dead.map((letter) => letter['record'])).toEqual([{ id: 0 }, { id: 1 }])
    expect(dead[0]?.['details']).toMatchObject({ idempotencyKey: expect.any(String) })
    expect(report.written + report.failed + report.dropped).toBe(report.read)
  })

  it('keeps failures per record once the destination has answered: an outage mid-run is not a rejection', async () => {
    const server = await serve((request) => (request.index < 2 ? ok : { kind: 'reset' }))
    const report = await pipe(
      fromGenerator(records(5)),
      toWebhook(server.origin, { ...fast, retries: 1, concurrency: 1 }),
    )
    expect(report).toMatchObject({ status: 'completed', written: 2, failed: 3 })
  })

  it('treats timeoutMs: Infinity as no time limit', async () => {
    const server = await serve(() => ({ kind: 'respond', delayMs: 20 }))
    const report = await pipe(
      fromGenerator(records(2)),
      toWebhook(server.origin, { ...fast, timeoutMs: Number.POSITIVE_INFINITY }),
    )
    expect(report.written).toBe(2)
  })

  it('sends records under the idempotency key the user gives, together when consecutive records share it', async () => {
    const server = await serve()
    const report = await pipe(
      fromGenerator([
        { id: 1, order: 'A' },
        { id: 2, order: 'A' },
        { id: 3, order: 'B' },
        { id: 4, order: 'C' },
      ]),
      toWebhook(server.origin, {
        ...fast,
        concurrency: 1,
        idempotencyKey: (line) => (line.order === 'C' ? undefined : `order-${line.order}`),
      }),
    )
    expect(report.written).toBe(4)
    expect(server.requests.map((request) => request.headers['idempotency-key'])).toEqual([
      'order-A',
      'order-B',
      expect.stringMatching(/^[0-9a-f-]{36}$/),
    ])
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual([
      { id: 1, order: 'A' },
      { id: 2, order: 'A' },
    ])
  })

  describe('Standard Webhooks signing', () => {
    const secret = `whsec_${Buffer.from('a-32-byte-secret-for-the-tests!!').toString('base64')}`

    it('signs every delivery so the standardwebhooks library verifies it, and a tampered one fails', async () => {
      const verifier = new Webhook(secret)
      const verified: unknown[] = []
      const server = await serve((request) => {
        try {
          verified.push(verifier.verify(request.body, request.headers as Record<string, string>))
          return ok
        } catch {
          return status(401, 'bad signature')
        }
      })
      const report = await pipe(
        fromGenerator(records(5)),
        toWebhook(server.origin, {
          ...fast,
          batchSize: 2,
          signing: { scheme: 'standard-webhooks', secret },
        }),
      )
      expect(report).toMatchObject({ written: 5, failed: 0 })
      expect(verified).toEqual([[{ id: 0 }, { id: 1 }], [{ id: 2 }, { id: 3 }], [{ id: 4 }]])
      for (const request of server.requests) {
        // The webhook-id doubles as the idempotency key.
        expect(request.headers['webhook-id']).toBe(request.headers['idempotency-key'])
        expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
        const headers = request.headers as Record<string, string>
        expect(() =>
          verifier.verify(request.body.replace(/"id":(\d)/, '"id":7$1'), headers),
        ).toThrow(WebhookVerificationError)
        expect(() =>
          verifier.verify(request.body, { ...headers, 'webhook-id': 'another-id' }),
        ).toThrow(WebhookVerificationError)
      }
      expect(JSON.stringify(report)).not.toContain(secret.slice(6))
    })

    it('keeps the same webhook-id across retries, with a fresh signature each time', async () => {
      const verifier = new Webhook(secret)
      const server = await serve(sequence(status(503), ok))
      await pipe(
        fromGenerator(records(1)),
        toWebhook(server.origin, { ...fast, signing: { scheme: 'standard-webhooks', secret } }),
      )
      const [first, second] = server.requests
      expect(first?.headers['webhook-id']).toBe(second?.headers['webhook-id'])
      expect(
        verifier.verify(second?.body ?? '', second?.headers as Record<string, string>),
      ).toEqual({
        id: 0,
      })
    })

    it('refuses a secret that is not whsec_ and base64, without showing it', () => {
      for (const bad of ['plain-secret-value', 'whsec_not base64!', 'whsec_c2hvcnQ='])
        expect(() =>
          toWebhook('http://127.0.0.1:9/x', {
            signing: { scheme: 'standard-webhooks', secret: bad },
          }),
        ).toThrow(/toWebhook: signing: a Standard Webhooks secret is whsec_ followed by the base64/)
      try {
        toWebhook('http://127.0.0.1:9/x', {
          signing: { scheme: 'standard-webhooks', secret: 'plain-secret-value' },
        })
      } catch (error) {
        expect(String(error)).not.toContain('plain-secret-value')
      }
    })
  })
})

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
