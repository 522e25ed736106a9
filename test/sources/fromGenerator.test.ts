import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toJson } from '../../src/sinks/toJson.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { expectBalanced, readDeadLetters, settle } from '../support/ledger.js'
import { deals, type RawDeal } from '../support/rawDeals.js'

describe('fromGenerator', () => {
  it('reads arrays, iterables, sync and async generators, and functions returning one', async () => {
    async function* later() {
      yield 'a'
      await new Promise((resolve) => setTimeout(resolve, 1))
      yield 'b'
    }
    function* now() {
      yield 'a'
      yield 'b'
    }
    for (const input of [
      ['a', 'b'],
      new Set(['a', 'b']),
      now(),
      later(),
      () => now(),
      () => later(),
    ]) {
      const report = await pipe(fromGenerator(input), toArray())
      expect(report.records).toEqual(['a', 'b'])
      expect(report.read).toBe(2)
    }
  })

  it('reads an array anew for every run (a cold source)', async () => {
    const source = fromGenerator([1, 2])
    expect((await pipe(source, toArray())).records).toEqual([1, 2])
    expect((await pipe(source, toArray())).records).toEqual([1, 2])
  })

  it('yields to the event loop so timers and abort signals fire during a synchronous generator', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 5)
    const error = await pipe(
      fromGenerator(function* () {
        for (;;) yield 0
      }),
      toArray({ signal: controller.signal }),
    ).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    )
    expect(error?.name).toBe('AbortError')
  })

  it('wakes and closes an async generator blocked on a read when the run stops', async () => {
    let finalized = false
    const controller = new AbortController()
    const run = pipe(
      fromGenerator(async function* (signal: AbortSignal) {
        try {
          yield 1
          await new Promise((resolve) => signal.addEventListener('abort', resolve))
        } finally {
          finalized = true
        }
      }),
      toArray({ signal: controller.signal }),
    )
    setTimeout(() => controller.abort(), 5)
    await run.catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(finalized).toBe(true)
  })
})

describe('fromGenerator with a function that throws', () => {
  it('fails the run with an error that names the source', async () => {
    const error = await pipe(
      fromGenerator<number>(
        () => {
          throw new Error('no data today')
        },
        { name: 'numbers' },
      ),
      toArray(),
    ).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    )
    expect(error?.message).toBe('numbers: the source threw: no data today')
  })
})

describe('fromGenerator, in a pipeline whose generator throws', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powerflow-from-generator-'))
  })

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function leftovers(): Promise<string[]> {
    return (await readdir(dir)).filter((name) => name.endsWith('.tmp') || name.includes('.tmp.'))
  }

  it('fails the run naming the source when the generator throws, and the books balance', async () => {
    const target = join(dir, 'throwing.csv')
    await writeFile(target, 'EARLIER')
    const dead = join(dir, 'throwing-dead.ndjson')
    function* generate(): Generator<RawDeal> {
      for (let n = 0; n < 100; n++) {
        if (n === 57) throw new Error('the database went away')
        yield { id: `D${n}`, account: 'A1', amount: n % 10 === 0 ? 'x' : '1', region: 'EU' }
      }
    }
    const { report, error } = await settle(
      pipe(
        deals(
          fromGenerator(() => generate(), { name: 'deals db' }),
          'last',
          undefined,
        ),
        deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
        toCsv(target, { highWaterMark: 8, fsync: false }),
      ),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toContain('deals db')
    expect(error?.message).toContain('the database went away')
    expectBalanced(report)
    expect(report.read).toBe(57)
    expect(await readDeadLetters(dead, { missingIsEmpty: true })).toHaveLength(report.failed)
    expect(report.failed).toBe(6)
    expect(await readFile(target, 'utf8')).toBe('EARLIER')
    expect(await leftovers()).toEqual([])
  })
})
