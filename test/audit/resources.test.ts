/**
 * Adversarial audit of resources and memory: file descriptors, sockets and timers are released
 * on every ending, and read-ahead stays under the high-water mark for every source.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { filter as rxFilter } from 'rxjs'
import type { Flow } from '../../src/core/Flow.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromHttp } from '../../src/sources/fromHttp.js'
import { defineSource } from '../../src/sources/defineSource.js'
import { map } from '../../src/operators/map.js'
import { enrich } from '../../src/operators/enrich.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toJson } from '../../src/sinks/toJson.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { toArray } from '../../src/sinks/toArray.js'
import { failFast } from '../../src/policies/failFast.js'
import { startFlakyServer } from '../support/flakyServer.js'
import { activeResources, eventually, expectBalanced, openFds, settle } from '../support/ledger.js'

const COUNT = 1_500
let dir: string
let csvPath: string
let arrayPath: string
let ndjsonPath: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-audit-res-'))
  const rows = Array.from({ length: COUNT }, (_, n) => ({
    id: String(n),
    key: String(n % 7),
    amount: String(n % 10),
  }))
  csvPath = join(dir, 'in.csv')
  arrayPath = join(dir, 'in.json')
  ndjsonPath = join(dir, 'in.ndjson')
  await writeFile(
    csvPath,
    `id,key,amount\n${rows.map((r) => `${r.id},${r.key},${r.amount}`).join('\n')}\n`,
  )
  await writeFile(arrayPath, JSON.stringify(rows))
  await writeFile(ndjsonPath, rows.map((r) => JSON.stringify(r)).join('\n'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

type Row = { id: string; key: string; amount: string }

const fileSources: Record<string, () => Flow<Row>> = {
  fromCsv: () => fromCsv(csvPath) as Flow<Row>,
  'fromJson array': () => fromJson(arrayPath) as Flow<Row>,
  'fromJson NDJSON': () => fromJson(ndjsonPath) as Flow<Row>,
  'fromGenerator sync': () =>
    fromGenerator(function* () {
      for (let n = 0; n < COUNT; n++)
        yield { id: String(n), key: String(n % 7), amount: String(n % 10) }
    }),
  'fromGenerator async': () =>
    fromGenerator(async function* () {
      for (let n = 0; n < COUNT; n++)
        yield { id: String(n), key: String(n % 7), amount: String(n % 10) }
    }),
}

/** A sink that takes its time: every batch waits a turn of the event loop. */
const slowSink = defineSink<unknown>({
  name: 'slow',
  batchSize: 4,
  async write() {
    await new Promise((resolve) => setImmediate(resolve))
  },
})

async function withoutLeaks(body: () => Promise<void>): Promise<void> {
  const fdsBefore = await openFds()
  const before = activeResources()
  await body()
  await eventually(async () => (await openFds()) <= fdsBefore)
  expect(await openFds(), 'open file descriptors').toBeLessThanOrEqual(fdsBefore)
  const after = activeResources()
  for (const kind of ['FSReqCallback', 'FileHandle', 'Timeout', 'TCPSocketWrap', 'Immediate'])
    expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0)
}

async function noTemporaryFiles(): Promise<void> {
  expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([])
}

describe('every source', () => {
  for (const [name, source] of Object.entries(fileSources)) {
    it(`${name}: keeps read-ahead under the high-water mark with a slow sink`, async () => {
      const report = await pipe(
        source(),
        map((row) => row),
        slowSink({ highWaterMark: 10 }),
      )
      expectBalanced(report)
      expect(report.written).toBe(COUNT)
      expect(report.maxInFlight).toBeLessThanOrEqual(10)
    })

    it(`${name}: keeps read-ahead bounded through enrich, dedupe and aggregate`, async () => {
      const report = await pipe(
        source(),
        enrich(async (row) => ({ extra: row.id.length }), { concurrency: 3 }),
        dedupe({ key: 'id' }),
        aggregate({ groupBy: 'key', measures: { amount: 'sum' } }),
        slowSink({ highWaterMark: 10 }),
      )
      expectBalanced(report)
      expect(report.merged).toBe(COUNT)
      expect(report.maxInFlight).toBeLessThanOrEqual(10 + 7)
    })

    for (const sinkKind of ['csv', 'json'] as const)
      for (const ending of ['completed', 'failed', 'aborted'] as const)
        it(`${name}: releases files and timers into to${sinkKind === 'csv' ? 'Csv' : 'Json'} when ${ending}`, async () => {
          await withoutLeaks(async () => {
            const target = join(dir, `out-${sinkKind}`)
            const controller = new AbortController()
            const flow = pipe(
              source(),
              map((row, index) => {
                if (ending === 'failed' && index === 700) throw new Error('boom')
                if (ending === 'aborted' && index === 700) controller.abort()
                return row
              }),
              failFast(),
            )
            const options = { signal: controller.signal, highWaterMark: 50, fsync: false }
            const { report } = await settle(
              sinkKind === 'csv'
                ? toCsv<Row>(target, options)(flow)
                : toJson<Row>(target, options)(flow),
            )
            expectBalanced(report)
            expect(report.status).toBe(ending)
          })
          await noTemporaryFiles()
        })
  }

  it('fromHttp: keeps read-ahead bounded by one page over the high-water mark and releases its socket', async () => {
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
})

describe('a streaming pipeline of 300,000 records', () => {
  it('keeps maxInFlight bounded: memory does not grow with the input', async () => {
    const target = join(dir, 'big.csv')
    const report = await pipe(
      fromGenerator(function* () {
        for (let n = 0; n < 300_000; n++) yield { n, text: 'x' }
      }),
      map((row) => ({ ...row, double: row.n * 2 })),
      toCsv(target, { highWaterMark: 64, fsync: false }),
    )
    expectBalanced(report)
    expect(report.written).toBe(300_000)
    expect(report.maxInFlight).toBeLessThanOrEqual(64)
  })
})

describe('the byte limit', () => {
  it('bounds read-ahead of large records by highWaterBytes as well as by count', async () => {
    const path = join(dir, 'large.ndjson')
    const big = 'z'.repeat(10_000)
    await writeFile(
      path,
      Array.from({ length: 200 }, (_, n) => JSON.stringify({ n, big })).join('\n'),
    )
    const report = await pipe(
      fromJson(path),
      slowSink({ highWaterMark: 1_000, highWaterBytes: 100_000 }),
    )
    expectBalanced(report)
    expect(report.written).toBe(200)
    expect(report.maxInFlight).toBeLessThanOrEqual(20)
  })
})

describe('a plain rxjs operator that drops records', () => {
  it('fails the run as stalled, with balanced books, instead of hanging', async () => {
    await withoutLeaks(async () => {
      const { report, error } = await settle(
        pipe(
          fromGenerator(Array.from({ length: 1_000 }, (_, n) => n)),
          rxFilter((value) => value._tag === 'Right' && value.right % 2 === 0),
          slowSink({ highWaterMark: 10, stallTimeoutMs: 30 }),
        ),
      )
      expect(report.status).toBe('failed')
      expect(error?.message).toContain('stalled')
      expectBalanced(report)
    })
  })
})

describe('defineSource', () => {
  for (const ending of ['completed', 'throws', 'failFast', 'aborted'] as const)
    for (const kind of ['sync', 'async'] as const)
      it(`closes a ${kind} source exactly once, after all its records, when the run ${ending}`, async () => {
        let closes = 0
        let closedAfter = -1
        const controller = new AbortController()
        const rows = function* (): Generator<number> {
          for (let n = 0; n < 600; n++) {
            if (ending === 'throws' && n === 300) throw new Error('cursor lost')
            yield n
          }
        }
        const source = defineSource<number>({
          name: 'db',
          open: () =>
            kind === 'sync'
              ? rows()
              : (async function* () {
                  yield* rows()
                })(),
          close() {
            closes += 1
          },
        })
        const { report, error } = await settle(
          pipe(
            source,
            map((n) => {
              if (ending === 'failFast' && n === 200) throw new Error('bad row')
              if (ending === 'aborted' && n === 200) controller.abort()
              closedAfter = n
              return n
            }),
            failFast(),
            toArray({ signal: controller.signal, highWaterMark: 50 }),
          ),
        )
        expectBalanced(report)
        await eventually(() => closes > 0)
        expect(closes).toBe(1)
        if (ending === 'completed') expect(report.written).toBe(600)
        if (ending === 'throws') {
          expect(error?.message).toContain('cursor lost')
          expect(closedAfter).toBe(299)
        }
      })
})
