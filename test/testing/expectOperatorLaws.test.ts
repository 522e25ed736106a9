import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EMPTY, Observable, catchError, filter as rxFilter, share } from 'rxjs'
import type { Flow } from '../../src/core/Flow.js'
import { map } from '../../src/operators/map.js'
import { filter } from '../../src/operators/filter.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'

/** The messages of the error a broken law gave, with its causes (fast-check keeps it as the cause). */
async function brokenLaw(check: Promise<void>): Promise<string> {
  try {
    await check
  } catch (error) {
    const messages: string[] = []
    for (let at: unknown = error; at instanceof Error; at = at.cause) messages.push(at.message)
    return messages.join('\n')
  }
  throw new Error('expected a law to be broken')
}

describe('expectOperatorLaws', () => {
  it('passes for an operator that keeps every law and matches its model', async () => {
    await expectOperatorLaws(
      map((n: number) => n * 2),
      { input: fc.integer(), model: (records) => records.map((n) => n * 2), numRuns: 30 },
    )
  })

  it('passes with no model, checking the other laws only', async () => {
    await expectOperatorLaws(
      filter((n: number) => n > 0),
      { input: fc.integer(), numRuns: 30 },
    )
  })

  it('calls a factory anew for each run, so a stateful operator starts clean', async () => {
    let made = 0
    await expectOperatorLaws(
      () => {
        made += 1
        return dedupe<{ id: number }>({ key: 'id' })
      },
      {
        input: fc.record({ id: fc.integer({ min: 0, max: 5 }) }),
        model: (records) =>
          records.filter((record, i) => records.findIndex((r) => r.id === record.id) === i),
        numRuns: 20,
      },
    )
    // One per property run, and three for the unsubscribe, error and completion checks.
    expect(made).toBe(20 + 3)
  })

  it('compares without order when ordered is false', async () => {
    await expectOperatorLaws(
      map((n: number) => n + 1),
      {
        input: fc.integer(),
        model: (records) => records.map((n) => n + 1).reverse(),
        ordered: false,
        numRuns: 20,
      },
    )
  })

  it('fails, saying so, when the output differs from the model', async () => {
    expect(
      await brokenLaw(
        expectOperatorLaws(
          map((n: number) => n * 2),
          { input: fc.integer(), model: (records) => records.map((n) => n * 3), numRuns: 30 },
        ),
      ),
    ).toMatch(/the output differs from the model/)
  })

  it('fails, saying so, when the operator mutates the records it receives', async () => {
    expect(
      await brokenLaw(
        expectOperatorLaws(
          map((record: { n: number }) => {
            record.n += 1
            return record
          }),
          { input: fc.record({ n: fc.integer() }), numRuns: 30 },
        ),
      ),
    ).toMatch(/purity/)
  })

  it('fails, saying so, when the operator loses failures', async () => {
    const dropFailures = (flow: Flow<number>): Flow<number> =>
      flow.pipe(rxFilter((value) => value._tag === 'Right'))
    expect(
      await brokenLaw(expectOperatorLaws(dropFailures, { input: fc.integer(), numRuns: 30 })),
    ).toMatch(/failures must pass through/)
  })

  it('fails, saying so, when the operator swallows an upstream error', async () => {
    const swallow = (flow: Flow<number>): Flow<number> => flow.pipe(catchError(() => EMPTY))
    expect(
      await brokenLaw(expectOperatorLaws(swallow, { input: fc.integer(), numRuns: 5 })),
    ).toMatch(/an upstream error must pass through/)
  })

  it('fails, saying so, when unsubscribing does not reach the source', async () => {
    const detached = (flow: Flow<number>): Flow<number> => {
      const shared = flow.pipe(share({ resetOnRefCountZero: false }))
      return new Observable((subscriber) => {
        shared.subscribe(subscriber)
      })
    }
    expect(
      await brokenLaw(expectOperatorLaws(detached, { input: fc.integer(), numRuns: 5 })),
    ).toMatch(/unsubscribing must reach the source/)
  })
})
