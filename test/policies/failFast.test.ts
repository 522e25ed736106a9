/**
 * The fail-fast policy: the run stops at its first failure, reads no further, and its books
 * balance (what was in flight is dropped as aborted); its timers are cleared.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { enrich } from '../../src/operators/enrich.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { toArray } from '../../src/sinks/toArray.js'
import { failFast } from '../../src/policies/failFast.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { activeResources, eventually, expectBalanced, settle } from '../support/ledger.js'

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function timers(): number {
  return activeResources()['Timeout'] ?? 0
}

describe('failFast', () => {
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

  it('balances the books and clears the timers of a run through enrich, dedupe and aggregate stopped by it or by an abort at a random moment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 12 }),
        fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }),
        fc.boolean(),
        fc.constantFrom<'first' | 'last'>('first', 'last'),
        fc.constantFrom<'keep' | 'drop' | 'fail'>('keep', 'drop', 'fail'),
        fc.integer({ min: 1, max: 12 }),
        async (abortAfterMs, throwAt, ordered, keep, onMissing, highWaterMark) => {
          const before = timers()
          const controller = new AbortController()
          const stopper = setTimeout(() => controller.abort(), abortAfterMs)
          const { report, error } = await settle(
            pipe(
              fromGenerator(async function* () {
                for (let n = 0; n < 200; n++) yield { id: n % 60, group: n % 5, amount: n }
              }),
              map((row, index) => {
                if (index === throwAt) throw new Error('boom')
                return row
              }),
              enrich(
                async (row, signal) => {
                  await tick(row.id % 3)
                  signal.throwIfAborted()
                  return row.id % 7 === 0 ? undefined : { label: `L${row.id}` }
                },
                {
                  concurrency: 4,
                  ordered,
                  onMissing,
                  timeoutMs: 5_000,
                  retries: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
                },
              ),
              dedupe({ key: 'id', keep }),
              aggregate({ groupBy: 'group', measures: { amount: 'sum' } }),
              failFast(),
              toArray({ signal: controller.signal, highWaterMark }),
            ),
          )
          clearTimeout(stopper)
          expectBalanced(report)
          if (error !== undefined) expect(['aborted', 'failed']).toContain(report.status)
          if (report.status === 'failed') expect(report.failed).toBe(1)
          await eventually(() => timers() <= before)
          expect(timers()).toBeLessThanOrEqual(before)
        },
      ),
      { numRuns: 40, seed: 5 },
    )
  })
})
