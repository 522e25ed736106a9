import { afterEach, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bufferCount, filter as rxFilter, take } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { defineSink } from '../../../src/sinks/defineSink.js'
import { toArray } from '../../../src/sinks/toArray.js'
import { map } from '../../../src/operators/map.js'
import { rx } from '../../../src/operators/rx.js'
import { enrich } from '../../../src/operators/enrich.js'
import { dedupe } from '../../../src/operators/dedupe.js'
import { RunError } from '../../../src/core/RunError.js'
import type { RunHooks } from '../../../src/core/RunOptions.js'
import { expectBalanced, rejection } from '../../support/ledger.js'

const repo = fileURLToPath(new URL('../../..', import.meta.url))

/** Runs an ES module script in a child Node process, with TypeScript sources importable. */
function runScript(script: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: repo, timeout: 20_000 },
      (error, stdout) => resolve({ code: error === null ? 0 : (error.code as number), stdout }),
    )
  })
}

describe('the run context', () => {
  const warnings: Error[] = []
  const onWarning = (warning: Error): void => void warnings.push(warning)
  afterEach(() => {
    process.off('warning', onWarning)
    warnings.length = 0
  })

  it('accepts a stall timeout too long for a timer (Infinity turns the check off) without warnings', async () => {
    process.on('warning', onWarning)
    const slow = defineSink<number>({
      name: 'slow',
      batchSize: 10,
      write: () => new Promise((resolve) => setTimeout(resolve, 2)),
    })
    const report = await pipe(
      fromGenerator(function* () {
        for (let n = 0; n < 200; n++) yield n
      }),
      slow({ highWaterMark: 20, stallTimeoutMs: Number.POSITIVE_INFINITY }),
    )
    expect(report.written).toBe(200)
    expectBalanced(report)
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.map((warning) => warning.name)).toEqual([])
  })
})

describe('a stalled run', () => {
  it('keeps the process alive until it settles, and rejects with a RunError and its report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powerflow-stall-'))
    try {
      const target = join(dir, 'evens.csv')
      const source = (path: string): string => JSON.stringify(join(repo, path))
      const { code, stdout } = await runScript(`
        import { bufferCount, filter as rxFilter, take } from 'rxjs'
        import { pipe } from 'fp-ts/lib/function.js'
        import { fromGenerator } from ${source('src/sources/fromGenerator.ts')}
        import { toCsv } from ${source('src/sinks/toCsv.ts')}
        pipe(
          fromGenerator(function* () { for (let i = 0; i < 5000; i++) yield { id: i } }),
          rxFilter((e) => e.right?.id % 2 === 0),
          toCsv(${JSON.stringify(target)}, { stallTimeoutMs: 100 }),
        ).then(
          () => console.log('resolved'),
          (error) => {
            console.log('rejected', error.name, error.report?.status, error.message)
            process.exitCode = 3
          },
        )
      `)
      expect(stdout).toMatch(/^rejected RunError failed .*stalled/)
      expect(code).toBe(3)
      expect(await readdir(dir)).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects with a RunError carrying a report that adds up', async () => {
    const error = await rejection(
      pipe(
        fromGenerator(function* () {
          for (let n = 0; n < 100; n++) yield n
        }),
        (input) => input.pipe(rxFilter((value) => value._tag === 'Right' && value.right < 5)),
        toArray({ highWaterMark: 10, stallTimeoutMs: 30 }),
      ),
    )
    expect(error).toBeInstanceOf(RunError)
    expect(error.message).toContain('stalled')
    expect(error.report?.status).toBe('failed')
    expectBalanced(error.report!)
  })

  it('gives work in flight a bounded patience: a write that never settles stalls the run', async () => {
    const hanging = defineSink<number>({ name: 'hanging', write: () => new Promise(() => {}) })
    const error = await rejection(pipe(fromGenerator([1, 2, 3]), hanging({ stallTimeoutMs: 20 })))
    expect(error).toBeInstanceOf(RunError)
    expect(error.message).toContain('stalled')
    expect(error.message).toContain('in flight')
    expect(error.report?.droppedByReason).toEqual({ aborted: 3 })
    expectBalanced(error.report!)
  })
})

describe('asynchronous hooks', () => {
  const hookNames = ['preRun', 'postRun', 'preStage', 'postStage', 'onFailure'] as const
  for (const hook of hookNames)
    it(`turns a rejecting ${hook} hook into a HookError, as a throwing one`, async () => {
      const hooks: RunHooks = {
        [hook]: async () => {
          await new Promise((resolve) => setTimeout(resolve, 1))
          throw new Error(`${hook} went wrong`)
        },
      }
      const report = await pipe(
        fromGenerator([1, 2]),
        map((n: number) => {
          if (n === 2) throw new Error('two')
          return n
        }),
        toArray({ hooks }),
      )
      expect(report.records).toEqual([1])
      const errors = report.failures.filter((failure) => failure._tag === 'HookError')
      expect(errors.length).toBeGreaterThan(0)
      expect(errors[0]?.message).toContain(`hook ${hook} rejected: ${hook} went wrong`)
      expectBalanced(report)
    })
})

describe('a downstream stage that completes early', () => {
  const twenty = (): Array<{ id: number }> => Array.from({ length: 20 }, (_, id) => ({ id }))

  it('settles the records still in flight upstream (enrich) as cancelled, per stage and per run', async () => {
    const report = await pipe(
      fromGenerator(twenty()),
      enrich(async () => ({ e: 1 })),
      rx(take(2)),
      toArray(),
    )
    expect(report.records).toHaveLength(2)
    expect(report.status).toBe('completed')
    expect(report.droppedByReason).toEqual({ cancelled: 18 })
    expect(report.failures).toEqual([])
    const stage = report.stages.find((each) => each.name === 'enrich')
    expect(stage).toMatchObject({ in: 20, out: 2, dropped: 18, cancelled: 18 })
    expectBalanced(report)
  })

  it('settles what rx(bufferCount(n)) holds as cancelled', async () => {
    const report = await pipe(fromGenerator(twenty()), rx(bufferCount(5)), rx(take(2)), toArray())
    expect(report.records).toHaveLength(2)
    expect(report.droppedByReason['cancelled']).toBeGreaterThan(0)
    expect(report.droppedByReason['unaccounted']).toBeUndefined()
    expect(report.failures).toEqual([])
    expectBalanced(report)
  })

  it("settles what dedupe({ keep: 'last' }) still keeps as cancelled", async () => {
    const report = await pipe(
      fromGenerator(twenty()),
      dedupe({ keys: ['id'], keep: 'last' }),
      rx(take(2)),
      toArray(),
    )
    expect(report.records).toHaveLength(2)
    expect(report.droppedByReason).toEqual({ cancelled: 18 })
    expect(report.stages.find((each) => each.name === 'dedupe')).toMatchObject({
      in: 20,
      out: 2,
      cancelled: 18,
    })
    expect(report.failures).toEqual([])
    expectBalanced(report)
  })

  it('keeps the budget right for the rest of the run (another branch goes on)', async () => {
    const report = await pipe(
      fromGenerator(twenty()),
      dedupe({ keys: ['id'], keep: 'last' }),
      rx(take(2)),
      map((record) => record.id),
      toArray({ highWaterMark: 5 }),
    )
    expect(report.records).toEqual([0, 1])
    expect(report.maxInFlight).toBeLessThanOrEqual(20)
    expectBalanced(report)
  })
})
