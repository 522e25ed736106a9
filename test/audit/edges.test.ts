/**
 * Adversarial audit of the edges: timers of retries and lookups on abort, dead letters when the
 * run ends on maxFailures or an abort, and records the dead-letter file cannot hold as they are.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { enrich } from '../../src/operators/enrich.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { toJson } from '../../src/sinks/toJson.js'
import { toArray } from '../../src/sinks/toArray.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { seededRandom, startFlakyServer } from '../support/flakyServer.js'
import {
  activeResources,
  eventually,
  expectBalanced,
  settle,
  readDeadLetters,
} from '../support/ledger.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-audit-edges-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function timers(): number {
  return activeResources()['Timeout'] ?? 0
}

describe('toWebhook retries', () => {
  it('clear their backoff timer when the run is aborted mid-backoff', async () => {
    const server = await startFlakyServer(() => ({ kind: 'respond', status: 503 }))
    const before = timers()
    const controller = new AbortController()
    const run = settle(
      pipe(
        fromGenerator([{ id: 1 }]),
        toWebhook(`${server.origin}/hook`, {
          retries: 5,
          minDelayMs: 60_000,
          maxDelayMs: 60_000,
          signal: controller.signal,
        }),
      ),
    )
    await eventually(() => server.requests.length >= 1)
    await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const { report } = await run
    await server.close()
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    expect(timers()).toBeLessThanOrEqual(before)
  })
})

describe('enrich', () => {
  it('clears its per-call timers and aborts its lookups when the run is aborted', async () => {
    const before = timers()
    const controller = new AbortController()
    let started = 0
    let aborted = 0
    const run = settle(
      pipe(
        fromGenerator(Array.from({ length: 100 }, (_, id) => ({ id }))),
        enrich(
          (record, signal) =>
            new Promise<{ extra: number }>((resolve) => {
              started += 1
              const stop = (): void => {
                aborted += 1
                resolve({ extra: record.id })
              }
              if (started === 3) controller.abort()
              if (signal.aborted) stop()
              else signal.addEventListener('abort', stop)
            }),
          { concurrency: 3, timeoutMs: 60_000 },
        ),
        toArray({ signal: controller.signal }),
      ),
    )
    const { report } = await run
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    await eventually(() => timers() <= before)
    expect(timers()).toBeLessThanOrEqual(before)
    expect(aborted).toBe(started)
  })
})

describe('deadLetter', () => {
  it('holds every failure, the last included, when the run ends on maxFailures', async () => {
    const server = await startFlakyServer((request) => ({
      kind: 'respond',
      status: request.body.includes('"bad":true') ? 422 : 200,
    }))
    const dead = join(dir, 'max.ndjson')
    const { report, error } = await settle(
      pipe(
        fromGenerator(Array.from({ length: 60 }, (_, id) => ({ id, bad: id % 4 === 1 }))),
        deadLetter(toJson(dead, { format: 'ndjson', fsync: false }), { maxFailures: 5 }),
        toWebhook(`${server.origin}/hook`, { concurrency: 3, retries: 0 }),
      ),
    )
    await server.close()
    expect(report.status).toBe('failed')
    expect(error?.message).toContain('maxFailures')
    expectBalanced(report)
    expect(report.failed).toBe(6)
    const got = await readDeadLetters(dead)
    expect(got).toHaveLength(6)
    expect(
      got.every(
        (letter) =>
          letter._tag === 'HttpError' && (letter.details as { status?: number }).status === 422,
      ),
    ).toBe(true)
  })

  it('holds exactly the failures of webhook runs aborted at random moments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 40 }),
        async (seed, abortAt) => {
          const random = seededRandom(seed)
          const controller = new AbortController()
          const server = await startFlakyServer((request) => {
            if (request.index === abortAt) controller.abort()
            return { kind: 'respond', status: random() < 0.3 ? 400 : 200, body: '{"error":"no"}' }
          })
          const dead = join(dir, `random-${seed}-${abortAt}.ndjson`)
          const { report } = await settle(
            pipe(
              fromGenerator(Array.from({ length: 50 }, (_, id) => ({ id }))),
              map((record) => {
                if (record.id % 17 === 3) throw new Error('bad record')
                return record
              }),
              deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
              toWebhook(`${server.origin}/hook`, {
                concurrency: 2,
                batchSize: 2,
                retries: 0,
                signal: controller.signal,
                highWaterMark: 8,
              }),
            ),
          )
          await server.close()
          expectBalanced(report)
          const got = await readDeadLetters(dead)
          expect(got).toHaveLength(report.failed)
          expect(report.deadLetter?.written).toBe(report.failed)
        },
      ),
      { numRuns: 25, seed: 99 },
    )
  })

  it('writes a valid letter for a record that JSON cannot hold as it is', async () => {
    const dead = join(dir, 'bigint.ndjson')
    const circular: Record<string, unknown> = { id: 'c' }
    circular['self'] = circular
    const report = await pipe(
      fromGenerator<Record<string, unknown>>([{ id: 'a', amount: 10n }, circular, { id: 'ok' }]),
      map((record) => {
        if (record['id'] !== 'ok') throw new Error(`cannot use ${String(record['id'])}`)
        return record
      }),
      deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
      toArray(),
    )
    expectBalanced(report)
    expect(report.failed).toBe(2)
    expect(report.deadLetter?.written).toBe(2)
    const got = await readDeadLetters(dead)
    expect(got.map((letter) => letter.message)).toEqual(['map: cannot use a', 'map: cannot use c'])
    expect(got.map((letter) => letter.record)).toEqual([
      { id: 'a', amount: '10' },
      { id: 'c', self: '[Circular]' },
    ])
  })

  it('stops the run, keeping the earlier target, when the dead-letter file cannot be opened', async () => {
    const target = join(dir, 'main.csv')
    await writeFile(target, 'EARLIER')
    let n = 0
    const { report, error } = await settle(
      pipe(
        // Never ends on its own: only the dead-letter sink's failure can end this run.
        fromGenerator(async function* () {
          for (;;) {
            await new Promise((resolve) => setImmediate(resolve))
            yield { n: n++ }
          }
        }),
        map((record) => {
          if (record.n % 3 === 0) throw new Error('bad')
          return record
        }),
        deadLetter(toJson(join(dir, 'missing', 'dead.ndjson'), { format: 'ndjson' })),
        toCsv(target, { highWaterMark: 8, fsync: false }),
      ),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toContain('the dead-letter sink failed')
    expect(error?.message).toContain(join(dir, 'missing'))
    expectBalanced(report)
    expect(report.deadLetter?.status).toBe('failed')
    expect(await readFile(target, 'utf8')).toBe('EARLIER')
    expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([])
  })
})

describe('the failure cap', () => {
  it('caps the report, never the dead letters', async () => {
    const dead = join(dir, 'capped.ndjson')
    const report = await pipe(
      fromGenerator(Array.from({ length: 40 }, (_, n) => n)),
      map((n) => {
        if (n % 4 === 0) throw new Error(`bad ${n}`)
        return n
      }),
      deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
      toArray({ failureCap: 3 }),
    )
    expectBalanced(report)
    expect(report.failed).toBe(10)
    expect(report.failures).toHaveLength(3)
    expect(report.failuresOmitted).toBe(7)
    expect((await readDeadLetters(dead)).map((letter) => letter.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `map: bad ${i * 4}`),
    )
  })
})

describe('file sinks in append mode', () => {
  for (const kind of ['csv', 'ndjson'] as const)
    it(`${kind}: an aborted run leaves exactly the lines the report calls written, each whole`, async () => {
      for (const abortAt of [1, 150, 999, 2_500]) {
        const target = join(dir, `append-${abortAt}.${kind}`)
        await writeFile(target, kind === 'csv' ? 'n,text\r\n-1,old\r\n' : '{"n":-1}\n')
        const controller = new AbortController()
        const { report } = await settle(
          pipe(
            fromGenerator(Array.from({ length: 3_000 }, (_, n) => ({ n, text: 'y'.repeat(50) }))),
            map((row) => {
              if (row.n === abortAt) controller.abort()
              return row
            }),
            kind === 'csv'
              ? toCsv(target, { append: true, signal: controller.signal, highWaterMark: 64 })
              : toJson(target, {
                  format: 'ndjson',
                  append: true,
                  signal: controller.signal,
                  highWaterMark: 64,
                }),
          ),
        )
        expect(report.status).toBe('aborted')
        expectBalanced(report)
        const lines = (await readFile(target, 'utf8')).split(/\r?\n/).filter((line) => line !== '')
        const added = lines.slice(kind === 'csv' ? 2 : 1)
        expect(added).toHaveLength(report.written)
        added.forEach((line, index) =>
          expect(line).toBe(
            kind === 'csv'
              ? `${index},${'y'.repeat(50)}`
              : JSON.stringify({ n: index, text: 'y'.repeat(50) }),
          ),
        )
      }
    })
})
