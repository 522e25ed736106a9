/**
 * The dead-letter policy: every failure of a run reaches the dead-letter sink exactly once, whatever
 * ends the run (completion, maxFailures, an abort, a server going away, a failure cap), and a
 * record JSON cannot hold as it is still makes a valid letter.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { map } from '../../src/operators/map.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { toJson } from '../../src/sinks/toJson.js'
import { toArray } from '../../src/sinks/toArray.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { seededRandom, startFlakyServer, type FlakyServer } from '../support/flakyServer.js'
import { expectBalanced, settle, readDeadLetters } from '../support/ledger.js'
import { deals, rawDeal, withPolicy, type Ending, type RawDeal } from '../support/rawDeals.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-dead-letter-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.tmp') || name.includes('.tmp.'))
}

let runNumber = 0

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

  it("holds every failure when failureCap trims the report: the cap is the report's, never the dead letters", async () => {
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

  it('dead-letters each failure once in a pipeline of fromJson → validate → filter → map → dedupe → enrich → file sink, whose books balance under every policy and sink', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rawDeal, { maxLength: 40 }),
        fc.constantFrom<Ending>('collect', 'failFast', 'maxFailures', 'deadLetter'),
        fc.constantFrom<'first' | 'last'>('first', 'last'),
        fc.constantFrom<'csv' | 'json' | 'ndjson' | 'custom'>('csv', 'json', 'ndjson', 'custom'),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        fc.integer({ min: 1, max: 8 }),
        async (input, ending, keep, sinkKind, explode, highWaterMark) => {
          runNumber += 1
          const sourcePath = join(dir, `in-${runNumber}.ndjson`)
          await writeFile(sourcePath, input.map((deal) => JSON.stringify(deal)).join('\n'))
          const target = join(dir, `out-${runNumber}.${sinkKind === 'csv' ? 'csv' : 'json'}`)
          await writeFile(target, 'EARLIER')
          const dead = join(dir, `dead-${runNumber}.ndjson`)
          const flow = withPolicy(ending, deals(fromJson(sourcePath), keep, explode), dead)
          const options = { highWaterMark, fsync: false }
          const written: unknown[] = []
          const sink =
            sinkKind === 'csv'
              ? toCsv(target, {
                  ...options,
                  columns: ['id', 'account', 'amount', 'region', 'cents', 'owner'],
                })
              : sinkKind === 'custom'
                ? defineSink<Record<string, unknown>>({
                    name: 'custom',
                    batchSize: 3,
                    write(batch) {
                      written.push(...batch)
                    },
                  })({ highWaterMark })
                : toJson(target, { ...options, format: sinkKind === 'ndjson' ? 'ndjson' : 'array' })
          const { report, error } = await settle(sink(flow))
          expectBalanced(report)
          if (ending === 'collect' || ending === 'deadLetter') {
            expect(error).toBeUndefined()
            expect(report.status).toBe('completed')
          }
          if (report.status !== 'completed') {
            expect(error).toBeDefined()
            if (sinkKind !== 'custom') expect(await readFile(target, 'utf8')).toBe('EARLIER')
          }
          if (ending === 'failFast' && report.failed > 0) expect(report.status).toBe('failed')
          if (ending === 'failFast') expect(report.failed).toBeLessThanOrEqual(1)
          if (ending === 'maxFailures') expect(report.failed).toBeLessThanOrEqual(3)
          if (ending === 'deadLetter') {
            const letters = await readDeadLetters(dead, { missingIsEmpty: true })
            expect(letters).toHaveLength(report.failed)
            expect(report.deadLetter?.written).toBe(report.failed)
            expect(letters.map((letter) => letter.message).sort()).toEqual(
              report.failures.map((failure) => failure.message).sort(),
            )
          }
          expect(await leftovers()).toEqual([])
        },
      ),
      { numRuns: 60, seed: 20261126 },
    )
  })

  it('dead-letters what failed in a pipeline aborted at a random moment, which rejects with an AbortError whose report balances and keeps the earlier target', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom<'csv' | 'ndjson' | 'array'>('csv', 'ndjson', 'array'),
        fc.constantFrom<'first' | 'last'>('first', 'last'),
        async (abortAfter, sinkKind, keep) => {
          runNumber += 1
          const target = join(dir, `abort-${runNumber}.out`)
          await writeFile(target, 'EARLIER')
          const dead = join(dir, `abort-dead-${runNumber}.ndjson`)
          const controller = new AbortController()
          let produced = 0
          function* generate(): Generator<RawDeal> {
            for (let n = 0; n < 600; n++) {
              produced += 1
              if (produced === abortAfter) controller.abort()
              yield {
                id: `D${n % 97}`,
                account: `A${(n % 4) + 1}`,
                amount: n % 13 === 0 ? 'abc' : String(n % 50),
                region: 'EU',
              }
            }
          }
          const flow = pipe(
            deals(
              fromGenerator(() => generate()),
              keep,
              11,
            ),
            deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
          )
          const options = { signal: controller.signal, highWaterMark: 16, fsync: false }
          const sink =
            sinkKind === 'csv'
              ? toCsv(target, {
                  ...options,
                  columns: ['id', 'account', 'amount', 'region', 'cents', 'owner'],
                })
              : toJson(target, { ...options, format: sinkKind })
          const { report, error } = await settle(sink(flow))
          expectBalanced(report)
          const letters = await readDeadLetters(dead, { missingIsEmpty: true })
          expect(letters).toHaveLength(report.failed)
          if (error !== undefined) {
            expect(error.name).toBe('AbortError')
            expect(report.status).toBe('aborted')
            expect(await readFile(target, 'utf8')).toBe('EARLIER')
          }
          expect(await leftovers()).toEqual([])
        },
      ),
      { numRuns: 40, seed: 42 },
    )
  })

  it('dead-letters toCsv extraColumns errors once each with the record', async () => {
    const target = join(dir, 'extra.csv')
    const dead = join(dir, 'extra-dead.ndjson')
    const input = [
      { id: 1, name: 'a' },
      { id: 2, name: 'b', secret: 'x' },
      { id: 3, name: 'c' },
      { id: 4, name: 'd', other: 1 },
    ]
    const report: RunReport = await pipe(
      fromGenerator(input),
      deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
      toCsv(target, { fsync: false }),
    )
    expectBalanced(report)
    expect(report.written).toBe(2)
    expect(report.failed).toBe(2)
    const letters = await readDeadLetters(dead, { missingIsEmpty: true })
    expect(letters.map((letter) => letter.record)).toEqual([input[1], input[3]])
    expect(letters.every((letter) => letter._tag === 'SinkError')).toBe(true)
  })

  it('dead-letters each record of a toWebhook server that goes away mid-run exactly once', async () => {
    let closing: Promise<void> | undefined
    const server: FlakyServer = await startFlakyServer((request) => {
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
})
