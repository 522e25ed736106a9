import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Observable } from 'rxjs'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { defineSource } from '../../src/sources/defineSource.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { failFast } from '../../src/policies/failFast.js'
import { collect } from '../../src/policies/collect.js'
import { toArray } from '../../src/sinks/toArray.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced } from '../support/ledger.js'

/** Records and failures, as a source would yield them. */
const items = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.integer().map((n) => right(n) as Either<Failure, number>) },
    {
      weight: 1,
      arbitrary: fc
        .string()
        .map(
          (reason) =>
            left(failure('ParseError', { stage: 'source', reason })) as Either<Failure, number>,
        ),
    },
  ),
  { maxLength: 200 },
)

describe('the core laws', () => {
  it('accounts for every record read: written, dropped, merged or failed, exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(items, fc.integer({ min: 1, max: 50 }), async (input, highWaterMark) => {
        const result = await runToArray(
          pipe(
            defineSource({ name: 'items', open: () => input }),
            filter((n: number) => n % 2 === 0),
            map((n: number) => {
              if (n % 3 === 0) throw new Error('multiple of three')
              return n
            }),
          ),
          { highWaterMark },
        )
        expect(result.report.status).toBe('completed')
        expect(result.report.read).toBe(input.length)
        expectBalanced(result.report)
        expect(result.report.maxInFlight).toBeLessThanOrEqual(highWaterMark)
      }),
    )
  })

  it('passes failures through untouched and in order', async () => {
    await fc.assert(
      fc.asyncProperty(items, async (input) => {
        const result = await runToArray(
          pipe(
            defineSource({ name: 'items', open: () => input }),
            map((n: number) => n + 1),
            filter(() => true),
          ),
        )
        const expected = input
          .filter((item) => item._tag === 'Left')
          .map((item) => (item as { left: Failure }).left)
        expect(result.failures).toEqual(expected)
        result.failures.forEach((value, index) => expect(value).toBe(expected[index]))
      }),
    )
  })

  it('keeps the books when the run fails fast, dropping what was in flight as aborted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 }),
        async (input) => {
          const result = await runToArray(
            pipe(
              fromGenerator(input),
              map((n: number) => {
                if (n === 13) throw new Error('unlucky')
                return n
              }),
              failFast(),
            ),
          )
          expectBalanced(result.report)
          if (input.includes(13)) {
            expect(result.report.status).toBe('failed')
            expect(result.report.failed).toBe(1)
            // reading stopped at the failure: nothing after the first 13 was written
            expect(result.records).toEqual(input.slice(0, input.indexOf(13)))
          } else expect(result.report.status).toBe('completed')
        },
      ),
    )
  })

  it('stops reading at the first failure under failFast', async () => {
    let pulled = 0
    const result = await runToArray(
      pipe(
        fromGenerator(function* () {
          for (let n = 0; n < 1_000_000; n++) {
            pulled += 1
            yield n
          }
        }),
        map((n: number) => {
          if (n === 10) throw new Error('ten')
          return n
        }),
        failFast(),
      ),
    )
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toBe('map: ten')
    // At most one batch of the generator was pulled past the failure.
    expect(pulled).toBeLessThan(2_000)
  })

  it('releases the source when the sink unsubscribes', async () => {
    let closed = false
    let unsubscribed = false
    const source = defineSource({
      name: 'endless',
      async *open() {
        for (let n = 0; ; n++) yield n
      },
      close: () => {
        closed = true
      },
    })
    const plain = new Observable<Either<Failure, number>>((subscriber) => {
      const inner = source.subscribe(subscriber)
      return () => {
        unsubscribed = true
        inner.unsubscribe()
      }
    })
    const controller = new AbortController()
    const run = pipe(
      plain,
      map((n: number) => n),
      toArray({ signal: controller.signal }),
    )
    setTimeout(() => controller.abort(), 20)
    const error = await run.catch((caught: unknown) => caught as Error & { report?: RunReport })
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).name).toBe('AbortError')
    expect(unsubscribed).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(closed).toBe(true)
    const report = (error as { report: RunReport }).report
    expect(report.status).toBe('aborted')
    expectBalanced(report)
  })

  it('rejects two policies in one run at start', async () => {
    await expect(pipe(fromGenerator([1]), collect(), failFast(), toArray())).rejects.toThrow(
      /two failure policies in one run/,
    )
  })
})
