import { describe, expect, it } from 'vitest'
import { left } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { failure } from '../../src/core/Failure.js'
import { defineSource } from '../../src/sources/defineSource.js'
import { toArray } from '../../src/sinks/toArray.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { map } from '../../src/operators/map.js'
import { failFast } from '../../src/policies/failFast.js'
import { eventually, expectBalanced, settle } from '../support/ledger.js'

describe('defineSource', () => {
  it('reads records and reported failures, then closes the source once', async () => {
    let closes = 0
    const lines = defineSource<{ line: string }>({
      name: 'lines',
      async *open() {
        yield { line: 'one' }
        yield left(
          failure('ParseError', {
            stage: 'lines',
            reason: 'garbled',
            location: { line: 2 },
            raw: '\u0000',
          }),
        )
        yield { line: 'three' }
      },
      close: () => {
        closes += 1
      },
    })
    const report = await pipe(lines, toArray())
    expect(report.records).toEqual([{ line: 'one' }, { line: 'three' }])
    expect(report.read).toBe(3)
    expect(report.failed).toBe(1)
    expect(report.failures[0]?.message).toBe('lines line 2: garbled')
    expect(report.stages[0]).toMatchObject({
      name: 'lines',
      kind: 'source',
      in: 3,
      out: 2,
      failed: 1,
    })
    expect(closes).toBe(1)
  })

  it('reads everything under a small high-water mark', async () => {
    const source = defineSource({
      name: 'counted',
      *open() {
        for (let n = 0; n < 1_000; n++) yield n
      },
    })
    const result = await runToArray(source, { highWaterMark: 10 })
    expect(result.records).toHaveLength(1_000)
    expect(result.report.maxInFlight).toBeLessThanOrEqual(10)
  })

  it('closes the source when the run is aborted', async () => {
    let closed = false
    const controller = new AbortController()
    const source = defineSource({
      name: 'endless',
      async *open() {
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 1))
          yield 1
        }
      },
      close: () => {
        closed = true
      },
    })
    setTimeout(() => controller.abort(), 10)
    const result = await runToArray(source, { signal: controller.signal })
    expect(result.report.status).toBe('aborted')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(closed).toBe(true)
  })
})

describe('defineSource with an open that throws', () => {
  it('fails the run with an error that names the source', async () => {
    const result = await runToArray(
      defineSource<number>({
        name: 'vault',
        open: () => {
          throw new Error('locked')
        },
      }),
    )
    expect(result.error?.message).toBe('vault: open failed: locked')
  })
})

describe('defineSource, when the run ends', () => {
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
