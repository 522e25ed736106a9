import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { testScheduler } from '../../src/testing/testScheduler.js'
import { of } from 'rxjs'
import { failure, type Failure } from '../../src/core/Failure.js'
import type { Flow } from '../../src/core/Flow.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { parallel } from '../../src/operators/parallel.js'
import { toArray } from '../../src/sinks/toArray.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { collect } from '../../src/policies/collect.js'
import { expectBalanced, rejection, settle } from '../support/ledger.js'

let dir: string
let square: string
let picky: string
let broken: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-parallel-'))
  square = join(dir, 'square.mjs')
  picky = join(dir, 'picky.mjs')
  broken = join(dir, 'broken.mjs')
  await writeFile(square, 'export default (n) => n * n\n')
  await writeFile(
    picky,
    "export default (n) => { if (n % 10 === 3) throw new Error('no ' + n); return n }\n",
  )
  await writeFile(broken, "throw new Error('cannot load')\n")
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const numbers = (n: number) => Array.from({ length: n }, (_, index) => index)

/** A module whose workers beat (append to a file) while they live. */
async function heartbeat(): Promise<{ module: string; beats: () => Promise<number> }> {
  const beat = join(dir, `beat-${Math.random().toString(36).slice(2)}`)
  const module = `${beat}.mjs`
  await writeFile(beat, '')
  await writeFile(
    module,
    `import { appendFileSync } from 'node:fs'\nsetInterval(() => appendFileSync(${JSON.stringify(beat)}, '.'), 2)\nexport default (n) => n\n`,
  )
  return { module, beats: async () => (await readFile(beat, 'utf8')).length }
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('parallel', () => {
  it('maps every record on the workers and keeps the input order', async () => {
    const report = await pipe(
      fromGenerator(numbers(1000)),
      parallel<number, number>(square, { workers: 2, batchSize: 7 }),
      toArray(),
    )
    expect(report.records).toEqual(numbers(1000).map((n) => n * n))
    expectBalanced(report)
  })

  it('emits every record with ordered: false', async () => {
    const report = await pipe(
      fromGenerator(numbers(500)),
      parallel<number, number>(square, { ordered: false, batchSize: 16 }),
      toArray(),
    )
    expect([...report.records].sort((a, b) => a - b)).toEqual(numbers(500).map((n) => n * n))
  })

  it('makes a throw a TransformError for that record and goes on; failures pass through', async () => {
    const bad = failure('ParseError', { stage: 'source', reason: 'garbled' })
    const input = of(right(1), left(bad), right(3), right(4)) as unknown as Flow<number>
    const report = await pipe(input, collect(), parallel<number, number>(picky), toArray())
    expect(report.records).toEqual([1, 4])
    expect(report.failed).toBe(2)
    expect(report.failures.map((f: Failure) => f._tag).sort()).toEqual([
      'ParseError',
      'TransformError',
    ])
    expect(report.failures.find((f) => f._tag === 'TransformError')?.message).toMatch(/no 3/)
    expectBalanced(report)
  })

  it('keeps read-ahead within the high-water mark while the workers are busy', async () => {
    const slow = defineSink<number>({
      name: 'slow',
      batchSize: 4,
      write: () => new Promise((resolve) => setTimeout(resolve, 1)),
    })
    const report = await pipe(
      fromGenerator(numbers(300)),
      parallel<number, number>(square, { batchSize: 8 }),
      slow({ highWaterMark: 32 }),
    )
    expect(report.written).toBe(300)
    expect(report.maxInFlight).toBeLessThanOrEqual(32)
  })

  it('fails the records of a module that cannot be loaded', async () => {
    const { report } = await settle(
      pipe(fromGenerator(numbers(3)), collect(), parallel<number, number>(broken), toArray()),
    )
    expect(report.failed).toBe(3)
    expect(report.failures[0]?.message).toMatch(/cannot load/)
  })

  it('tears the workers down on complete and on abort', async () => {
    const completed = await heartbeat()
    await pipe(fromGenerator(numbers(50)), parallel<number, number>(completed.module), toArray())
    await pause(20)
    const afterComplete = await completed.beats()
    await pause(60)
    expect(await completed.beats()).toBe(afterComplete)

    const aborted = await heartbeat()
    const controller = new AbortController()
    function* endless() {
      for (let n = 0; ; n++) {
        if (n === 100) controller.abort()
        yield n
      }
    }
    const error = await rejection(
      pipe(
        fromGenerator(endless),
        parallel<number, number>(aborted.module),
        toArray({ signal: controller.signal }),
      ),
    )
    expect(error.report?.status).toBe('aborted')
    expectBalanced(error.report as NonNullable<typeof error.report>)
    await pause(20)
    const afterAbort = await aborted.beats()
    await pause(60)
    expect(await aborted.beats()).toBe(afterAbort)
  })

  it('refuses a pool without workers', () => {
    expect(() => parallel(square, { workers: 0 })).toThrow(RangeError)
  })
})

describe('parallel, in marbles', () => {
  const values = { a: right(1), b: right(2) }

  it('subscribes to its input at once, and passes an error on at its time', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('--#', values)
      expectObservable(parallel<number, number>(square)(input)).toBe('--#')
      expectSubscriptions(input.subscriptions).toBe('^-!')
    })
  })

  it('unsubscribes from its input when unsubscribed early', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('-a-b-|', values)
      expectObservable(parallel<number, number>(square)(input), '^--!').toBe('---')
      expectSubscriptions(input.subscriptions).toBe('^--!')
    })
  })

  it('maps empty, one and many inputs', async () => {
    for (const input of [[], [3], [1, 2, 3, 4]]) {
      const report = await pipe(fromGenerator(input), parallel<number, number>(square), toArray())
      expect(report.records).toEqual(input.map((n) => n * n))
    }
  })
})
