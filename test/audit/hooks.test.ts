/**
 * Adversarial audit of hooks and endings at the edge: throwing hooks change no data, each stage's
 * hooks fire once, and an abort that arrives while the output is being committed tells the truth.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { RunHooks } from '../../src/core/RunOptions.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { enrich } from '../../src/operators/enrich.js'
import { lookupTable } from '../../src/operators/lookupTable.js'
import { toArray } from '../../src/sinks/toArray.js'
import { toJson } from '../../src/sinks/toJson.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toConsole } from '../../src/sinks/toConsole.js'
import { failFast } from '../../src/policies/failFast.js'
import { expectBalanced, settle } from '../support/ledger.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-audit-hooks-'))
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

describe('run hooks', () => {
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
})

describe('stage hooks of a run that stops early', () => {
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

describe('an abort that arrives while the file is being committed', () => {
  for (const format of ['csv', 'csv widened, gzipped', 'ndjson'] as const)
    it(`${format}: either completes with the new file or aborts with the earlier one, never both`, async () => {
      for (let delay = 0; delay < 12; delay++) {
        const target = join(dir, `commit-${delay}.${format.replaceAll(/\W/g, '')}`)
        await writeFile(target, 'EARLIER')
        const controller = new AbortController()
        const flow = pipe(
          // A key that appears late makes toCsv widen the file: a streamed rewrite at commit.
          fromGenerator(
            Array.from({ length: 300 }, (_, n) => (n === 250 ? { n, late: 'x' } : { n })),
          ),
          map((row) => row),
        )
        const options = {
          signal: controller.signal,
          fsync: true,
          hooks: {
            postStage(stage: { name: string }) {
              if (stage.name !== 'map') return
              let turns = delay
              const later = (): void => {
                if (turns-- <= 0) controller.abort()
                else setImmediate(later)
              }
              later()
            },
          },
        }
        const { report, error } = await settle(
          format === 'csv'
            ? toCsv<object>(target, options)(flow)
            : format === 'ndjson'
              ? toJson(target, { ...options, format: 'ndjson' })(flow)
              : toCsv<object>(target, { ...options, extraColumns: 'append', gzip: true })(flow),
        )
        expectBalanced(report)
        const bytes = await readFile(target)
        const text =
          format.includes('gzipped') && bytes.toString() !== 'EARLIER'
            ? gunzipSync(bytes).toString()
            : bytes.toString()
        if (report.status === 'completed') {
          expect(error).toBeUndefined()
          // Plain CSV keeps its first row's columns: record 250's late key makes it a SinkError.
          const refused = format === 'csv' ? 1 : 0
          expect(report.failed).toBe(refused)
          expect(report.written).toBe(300 - refused)
          expect(text).not.toBe('EARLIER')
          if (format.includes('widened')) expect(text.split('\r\n')[0]).toBe('n,late')
        } else {
          expect(error?.name).toBe('AbortError')
          expect(text, `delay ${delay}: aborted run replaced the target`).toBe('EARLIER')
        }
        expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([])
      }
    })
})

describe('progress output', () => {
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

describe('toConsole', () => {
  it('fails the run saying why, without an unhandled error, when its stream breaks', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
      },
    })
    const { report, error } = await settle(
      pipe(fromGenerator([{ a: 1 }, { a: 2 }]), toConsole({ stream: broken, json: true })),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toBe('toConsole: cannot write: write EPIPE')
    expectBalanced(report)
    await new Promise((resolve) => setTimeout(resolve, 10))
  })
})
