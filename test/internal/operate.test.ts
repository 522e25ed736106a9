import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { right } from 'fp-ts/lib/Either.js'
import { of, take } from 'rxjs'
import type { Operator } from '../../src/core/Flow.js'
import { operate } from '../../src/internal/operate.js'
import { rx } from '../../src/operators/rx.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { expectBalanced } from '../support/ledger.js'

/** A pass-through operator on `operate`, counting through its handle. */
const passThrough = <A>(name: string, torn: string[] = []): Operator<A, A> =>
  operate<A, A>(name, ({ stage, output, subscribeInput }) => {
    const subscription = subscribeInput({
      next(value) {
        if (value._tag === 'Right') {
          stage.receive()
          stage.emit()
        }
        output.next(value)
      },
      error: (error: unknown) => output.error(error),
      complete: () => {
        stage.finish()
        output.complete()
      },
    })
    return () => {
      torn.push(name)
      subscription.unsubscribe()
    }
  })

describe('operate', () => {
  it('registers the stage one step further from the source than its input', async () => {
    const report = await pipe(fromGenerator([1, 2]), passThrough('a'), passThrough('b'), toArray())
    expect(report.stages.map((stage) => [stage.name, stage.in, stage.out])).toEqual([
      [expect.stringMatching(/^fromGenerator/), 2, 2],
      ['a', 2, 2],
      ['b', 2, 2],
      ['toArray', 2, 2],
    ])
    expectBalanced(report)
  })

  it('counts records from plain rxjs as read where they enter', async () => {
    const report = await pipe(of(right(1), right(2)), passThrough('a'), toArray())
    expect(report.read).toBe(2)
    expectBalanced(report)
  })

  it('runs the teardown, then finishes the stage: what it held is cancelled', async () => {
    const torn: string[] = []
    const holding = operate<number, number>('holding', ({ stage, output, subscribeInput }) => {
      // Holds the first two records, emits the third.
      const subscription = subscribeInput({
        next(value) {
          if (value._tag === 'Left') return
          stage.receive()
          if (value.right < 3) stage.hold()
          else {
            stage.emit()
            output.next(value)
          }
        },
      })
      return () => {
        torn.push('holding')
        subscription.unsubscribe()
      }
    })
    const report = await pipe(fromGenerator([1, 2, 3]), holding, rx(take(1)), toArray())
    expect(torn).toEqual(['holding'])
    expect(report.stages.find((stage) => stage.name === 'holding')?.cancelled).toBe(2)
    expect(report.droppedByReason['cancelled']).toBeGreaterThanOrEqual(2)
    expectBalanced(report)
  })
})
