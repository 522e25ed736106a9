import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'

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
