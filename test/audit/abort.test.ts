/**
 * Adversarial audit: runs through asynchronous stages (enrich with lookups in flight, a lookup
 * table still loading, dedupe keeping the last) stopped at random moments — by an abort, by
 * fail-fast, or by a table that fails to load — balance their books and leave no timers behind.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { enrich } from '../../src/operators/enrich.js'
import { lookupTable } from '../../src/operators/lookupTable.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { toArray } from '../../src/sinks/toArray.js'
import { failFast } from '../../src/policies/failFast.js'
import { collect } from '../../src/policies/collect.js'
import { activeResources, eventually, expectBalanced, settle } from '../support/ledger.js'

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function timers(): number {
  return activeResources()['Timeout'] ?? 0
}

describe('a run through enrich, dedupe and aggregate', () => {
  it('balances its books and clears its timers when stopped at a random moment', async () => {
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

describe('lookupTable', () => {
  it('fails the run naming the table when its source throws, with the books balanced', async () => {
    const before = timers()
    const { report, error } = await settle(
      pipe(
        fromGenerator(Array.from({ length: 50 }, (_, id) => ({ id, account: `A${id % 3}` }))),
        enrich(
          lookupTable(
            fromGenerator(function* () {
              yield { Id: 'A0', owner: 'Ada' }
              throw new Error('accounts file vanished')
            }),
            'Id',
            { name: 'accounts' },
          ),
          { on: 'account' },
        ),
        collect(),
        toArray({ highWaterMark: 5 }),
      ),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toContain('accounts')
    expect(error?.message).toContain('accounts file vanished')
    expectBalanced(report)
    expect(report.written).toBe(0)
    await eventually(() => timers() <= before)
    expect(timers()).toBeLessThanOrEqual(before)
  })

  it('stops loading when the run is aborted while the table loads', async () => {
    const controller = new AbortController()
    let tableRows = 0
    const { report, error } = await settle(
      pipe(
        fromGenerator(Array.from({ length: 50 }, (_, id) => ({ id, account: `A${id % 3}` }))),
        enrich(
          lookupTable(
            fromGenerator(async function* () {
              for (let n = 0; ; n++) {
                tableRows += 1
                if (n === 20) controller.abort()
                await tick(0)
                yield { Id: `A${n}`, owner: 'someone' }
              }
            }),
            'Id',
          ),
          { on: 'account' },
        ),
        toArray({ signal: controller.signal }),
      ),
    )
    expect(error?.name).toBe('AbortError')
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    const rowsAtEnd = tableRows
    await tick(20)
    expect(tableRows).toBe(rowsAtEnd)
  })
})
