import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { replayToWebhook } from '../../src/sinks/replayToWebhook.js'
import { toJson } from '../../src/sinks/toJson.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { memoryStateStore } from '../support/stateRun.js'
import { deadLetter, type DeadLetterRecord } from '../../src/policies/deadLetter.js'
import {
  ok,
  serversClosedAfterEach,
  type Plan,
  type SeenRequest,
} from '../support/flakyServer.js'
import { expectBalanced, readDeadLetters } from '../support/ledger.js'

const serve = serversClosedAfterEach()
const fast = { minDelayMs: 1, maxDelayMs: 2, concurrency: 1 } as const
const records = (n: number): Array<{ id: number }> => Array.from({ length: n }, (_, id) => ({ id }))

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'powerflow-replay-'))
  dirs.push(dir)
  return dir
}

/** A receiver that is down for requests `from` to `to` (exclusive): they arrive, then the connection dies. */
function outage(from: number, to: number): Plan {
  return (request) =>
    request.index >= from && request.index < to ? { kind: 'reset' } : { kind: 'respond' }
}

/** What a receiver that deduplicates on Idempotency-Key keeps: one body per key. */
function deduplicated(requests: readonly SeenRequest[]): Map<string, string> {
  const kept = new Map<string, string>()
  for (const request of requests) {
    const key = String(request.headers['idempotency-key'])
    const earlier = kept.get(key)
    // The same key always carries the same body: a duplicate the receiver can detect.
    if (earlier !== undefined) expect(request.body).toBe(earlier)
    else kept.set(key, request.body)
  }
  return kept
}

const isDeadLetter = (value: unknown): value is DeadLetterRecord =>
  typeof value === 'object' && value !== null && '_tag' in value && 'record' in value

describe('replayToWebhook', () => {
  it('replays the dead letters of a receiver outage under their original keys: no duplicate goes undetected', async () => {
    const dir = await scratch()
    const dead = join(dir, 'undelivered.ndjson')
    // Records 5 to 8 reach the receiver, but the connection dies before it answers, twice each.
    const server = await serve(outage(5, 13))
    const first = await pipe(
      fromGenerator(records(20)),
      deadLetter(toJson(dead)),
      toWebhook(server.origin, { ...fast, retries: 1 }),
    )
    expectBalanced(first)
    expect(first).toMatchObject({ status: 'completed', written: 16, failed: 4 })
    const letters = await readDeadLetters(dead)
    expect(letters.map((letter) => letter.record)).toEqual([5, 6, 7, 8].map((id) => ({ id })))
    const originalKeys = letters.map((letter) => letter.details?.['idempotencyKey'])

    const replay = await pipe(
      fromJson(dead),
      filter(isDeadLetter),
      replayToWebhook(server.origin, { ...fast, retries: 1 }),
    )
    expectBalanced(replay)
    expect(replay).toMatchObject({ status: 'completed', written: 4, failed: 0 })
    const replayed = server.requests.slice(-4)
    expect(replayed.map((request) => request.headers['idempotency-key'])).toEqual(originalKeys)
    // The receiver holds each of the 20 records exactly once.
    const kept = deduplicated(server.requests)
    expect(
      [...kept.values()]
        .map((body) => (JSON.parse(body) as { id: number }).id)
        .sort((a, b) => a - b),
    ).toEqual(records(20).map((record) => record.id))
  })

  it('sends the records of a failed batch together again, as the same request under the same key', async () => {
    const server = await serve(outage(1, 3))
    const dead = join(await scratch(), 'dead.ndjson')
    const first = await pipe(
      fromGenerator(records(12)),
      deadLetter(toJson(dead)),
      toWebhook(server.origin, { ...fast, retries: 1, batchSize: 3 }),
    )
    expect(first).toMatchObject({ written: 9, failed: 3 })
    const lost = server.requests[1] as SeenRequest
    const replay = await pipe(
      fromJson(dead),
      filter(isDeadLetter),
      replayToWebhook(server.origin, { ...fast, batchSize: 3 }),
    )
    expect(replay.written).toBe(3)
    const again = server.requests[server.requests.length - 1] as SeenRequest
    expect(again.headers['idempotency-key']).toBe(lost.headers['idempotency-key'])
    expect(again.body).toBe(lost.body)
    expect(JSON.parse(again.body)).toEqual([{ id: 3 }, { id: 4 }, { id: 5 }])
  })

  it('fails a dead letter that has no record as a SinkError and sends the others', async () => {
    const server = await serve()
    const letters: DeadLetterRecord[] = [
      { _tag: 'ParseError', stage: 'fromCsv', message: 'bad row', raw: 'a,"b' },
      { _tag: 'HttpError', stage: 'toWebhook', message: 'down', record: { id: 1 } },
    ]
    const report = await pipe(fromGenerator(letters), replayToWebhook(server.origin, fast))
    expect(report).toMatchObject({ written: 1, failed: 1 })
    expect(report.failures[0]).toMatchObject({ _tag: 'SinkError' })
    expect(report.failures[0]?.message).toContain(
      'the dead letter has no record to send (a ParseError of stage fromCsv)',
    )
    expect(server.requests).toHaveLength(1)
  })

  it('takes checkpoints and resumes a stopped replay, each batch again under its original key', async () => {
    // The receiver answers the first batch, then is down until the replay.
    let up = false
    const server = await serve((request) => (up || request.index === 0 ? ok : { kind: 'reset' }))
    const dead = join(await scratch(), 'dead.ndjson')
    const first = await pipe(
      fromGenerator(records(600)),
      deadLetter(toJson(dead)),
      toWebhook(server.origin, { ...fast, retries: 0, batchSize: 4 }),
    )
    expect(first).toMatchObject({ written: 4, failed: 596 })
    const originalKeys = new Set(
      (await readDeadLetters(dead)).map((letter) => letter.details?.['idempotencyKey']),
    )
    expect(originalKeys.size).toBe(149)
    const sentBefore = server.requests.length
    up = true
    const store = memoryStateStore()
    const replay = (stopAfter?: number): Promise<RunReport> => {
      const controller = new AbortController()
      let seen = 0
      return pipe(
        fromJson(dead),
        filter(isDeadLetter),
        map((letter) => {
          if (++seen === stopAfter) controller.abort()
          return letter
        }),
        replayToWebhook(server.origin, {
          ...fast,
          batchSize: 4,
          state: { store, key: 'replay' },
          checkpoint: { everyRecords: 50 },
          resume: true,
          signal: controller.signal,
        }),
      ).catch((error: { report: RunReport }) => error.report)
    }
    const stopped = await replay(330)
    expect(stopped.status).toBe('aborted')
    const resumed = await replay()
    expect(resumed.status).toBe('completed')
    expect(resumed.resumedFrom?.settled).toBeGreaterThan(0)
    expect(resumed).toMatchObject({ read: 596, written: 596, failed: 0 })
    expectBalanced(resumed)
    const replayed = server.requests.slice(sentBefore)
    // Every request of both replay runs went out under a key of the first run, each key's body the
    // same every time; with the first batch, the receiver ends with each of the 600 records once.
    expect(new Set(replayed.map((request) => request.headers['idempotency-key']))).toEqual(
      originalKeys,
    )
    const kept = deduplicated(server.requests.slice(0, 1).concat(replayed))
    expect(
      [...kept.values()]
        .flatMap((body) => (JSON.parse(body) as Array<{ id: number }>).map((record) => record.id))
        .sort((a, b) => a - b),
    ).toEqual(records(600).map((record) => record.id))
  })
})
