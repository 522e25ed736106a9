/**
 * The options of a run, through the sinks that take them: hooks observe and never change a run,
 * read-ahead stays under the high-water marks for every source, progress output cannot break a
 * run, and a run whose records vanish in a plain rxjs operator ends as stalled.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { filter as rxFilter } from 'rxjs'
import type { Flow } from '../../src/core/Flow.js'
import type { RunHooks } from '../../src/core/RunOptions.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { enrich } from '../../src/operators/enrich.js'
import { lookupTable } from '../../src/operators/lookupTable.js'
import { toArray } from '../../src/sinks/toArray.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { failFast } from '../../src/policies/failFast.js'
import { expectBalanced, settle } from '../support/ledger.js'
import {
  COUNT,
  SAMPLE_SOURCES,
  sampleSources,
  slowSink,
  withoutLeaks,
  type Row,
} from '../support/sampleFiles.js'

let dir: string
let sources: Record<string, () => Flow<Row>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-run-options-'))
  sources = await sampleSources(dir)
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const input = Array.from({ length: 50 }, (_, n) => ({
  id: n % 20,
  region: n % 3 === 0 ? 'EU' : 'US',
  amount: n,
}))

function pipeline(hooks: RunHooks) {
  return pipe(
    fromGenerator(input),
    filter((row) => row.amount % 5 !== 0),
    map((row) => {
      if (row.amount === 7) throw new Error('seven')
      return row
    }),
    enrich(lookupTable(fromGenerator([{ region: 'EU', name: 'Europe' }]), 'region'), {
      on: 'region',
    }),
    dedupe({ key: 'id', keep: 'last' }),
    aggregate({ groupBy: 'region', measures: { amount: 'sum', id: 'count' } }),
    toArray({ hooks, highWaterMark: 4 }),
  )
}

describe('RunHooks', () => {
  it('change no data when every one of them throws, and each throw is reported once', async () => {
    const quiet = await pipeline({})
    const thrower = (): never => {
      throw new Error('hook exploded')
    }
    const loud = await pipeline({
      preRun: thrower,
      postRun: thrower,
      preStage: thrower,
      postStage: thrower,
      onFailure: thrower,
    })
    expect(loud.records).toEqual(quiet.records)
    expectBalanced(loud)
    const counts = (report: typeof loud) => ({
      read: report.read,
      written: report.written,
      dropped: report.dropped,
      failed: report.failed,
      merged: report.merged,
      created: report.created,
    })
    expect(counts(loud)).toEqual(counts(quiet))
    const hookErrors = loud.failures.filter((failure) => failure._tag === 'HookError')
    // preRun, postRun, onFailure once per failure, preStage and postStage once per stage.
    expect(hookErrors).toHaveLength(2 + quiet.failed + 2 * quiet.stages.length)
    expect(
      hookErrors.filter((failure) => failure.message.includes('hook postRun threw')),
    ).toHaveLength(1)
  })

  it('fire preStage and postStage once per stage of the report', async () => {
    const pre: string[] = []
    const post: string[] = []
    const report = await pipeline({
      preStage: (stage) => pre.push(stage.name),
      postStage: (stage) => post.push(stage.name),
    })
    const names = report.stages.map((stage) => stage.name)
    expect([...pre].sort()).toEqual([...names].sort())
    expect([...post].sort()).toEqual([...names].sort())
  })

  for (const ending of ['aborted', 'failed'] as const)
    it(`fire preStage and postStage once per stage when the run is ${ending}`, async () => {
      const pre: string[] = []
      const post: string[] = []
      const controller = new AbortController()
      const { report } = await settle(
        pipe(
          fromGenerator(input),
          map((row) => {
            if (row.amount === 20) {
              if (ending === 'aborted') controller.abort()
              else throw new Error('twenty')
            }
            return row
          }),
          dedupe({ key: 'id', keep: 'last' }),
          failFast(),
          toArray({
            signal: controller.signal,
            highWaterMark: 4,
            hooks: {
              preStage: (stage) => pre.push(stage.name),
              postStage: (stage) => post.push(stage.name),
            },
          }),
        ),
      )
      expect(report.status).toBe(ending)
      const names = report.stages.map((stage) => stage.name).sort()
      expect([...pre].sort()).toEqual(names)
      expect([...post].sort()).toEqual(names)
    })
})

describe('highWaterMark', () => {
  for (const name of SAMPLE_SOURCES) {
    it(`${name}: keeps read-ahead under the high-water mark with a slow sink`, async () => {
      const report = await pipe(
        sources[name]!(),
        map((row) => row),
        slowSink({ highWaterMark: 10 }),
      )
      expectBalanced(report)
      expect(report.written).toBe(COUNT)
      expect(report.maxInFlight).toBeLessThanOrEqual(10)
    })

    it(`${name}: keeps read-ahead bounded through enrich, dedupe and aggregate`, async () => {
      const report = await pipe(
        sources[name]!(),
        enrich(async (row) => ({ extra: row.id.length }), { concurrency: 3 }),
        dedupe({ key: 'id' }),
        aggregate({ groupBy: 'key', measures: { amount: 'sum' } }),
        slowSink({ highWaterMark: 10 }),
      )
      expectBalanced(report)
      expect(report.merged).toBe(COUNT)
      expect(report.maxInFlight).toBeLessThanOrEqual(10 + 7)
    })
  }

  it('keeps maxInFlight of a streaming pipeline of 300,000 records bounded: memory does not grow with the input', async () => {
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

describe('highWaterBytes', () => {
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

describe('progress', () => {
  for (const failure of ['fails every write', 'is already destroyed'] as const)
    it(`never changes the run when its stream ${failure}`, async () => {
      const broken = new Writable({
        write(_chunk, _encoding, done) {
          done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
        },
      })
      if (failure === 'is already destroyed') broken.destroy()
      const quiet = await pipeline({})
      const report = await pipe(
        fromGenerator(async function* () {
          for (const row of input) {
            await new Promise((resolve) => setTimeout(resolve, 1))
            yield row
          }
        }),
        map((row) => row),
        toArray({ progress: { stream: broken, intervalMs: 1 } }),
      )
      expect(report.status).toBe('completed')
      expect(report.records).toEqual(input)
      expect(quiet.status).toBe('completed')
      // Errors of the stream surface (if at all) on later turns of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 10))
    })
})

describe('stallTimeoutMs', () => {
  it('fails the run as stalled, with balanced books, instead of hanging when a plain rxjs operator drops records', async () => {
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
