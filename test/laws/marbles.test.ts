import { describe, expect, it } from 'vitest'
import { TestScheduler } from 'rxjs/testing'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected))
const bad = failure('ParseError', { stage: 'source', reason: 'garbled' })

describe('the core laws, in marbles', () => {
  it('passes failures through untouched, in order, at the time they arrive', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const input = cold<Either<Failure, number>>('-a-x-b-c-|', {
        a: right(1),
        x: left(bad),
        b: right(2),
        c: right(3),
      })
      const output = map((n: number) => n * 10)(filter((n: number) => n !== 2)(input))
      expectObservable(output).toBe('-a-x---c-|', { a: right(10), x: left(bad), c: right(30) })
      expectSubscriptions(input.subscriptions).toBe('^--------!')
    })
  })

  it('turns a throwing callback into a Left for that record and goes on', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold<Either<Failure, number>>('-a-b-|', { a: right(1), b: right(2) })
      const output = map((n: number) => {
        if (n === 1) throw new Error('one')
        return n
      })(input)
      expectObservable(output).toBe('-x-b-|', {
        x: left({
          _tag: 'TransformError',
          stage: 'map',
          message: 'map: one',
          cause: new Error('one'),
          record: 1,
        }),
        b: right(2),
      })
    })
  })

  it('propagates errors and completion, and an early unsubscribe reaches the source', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const failing = cold<Either<Failure, number>>('-a-#', { a: right(1) }, new Error('disk'))
      expectObservable(map((n: number) => n)(failing)).toBe(
        '-a-#',
        { a: right(1) },
        new Error('disk'),
      )

      const empty = cold<Either<Failure, number>>('|')
      expectObservable(filter(() => true)(empty)).toBe('|')

      const endless = hot<Either<Failure, number>>('-a-b-c-d-', {
        a: right(1),
        b: right(2),
        c: right(3),
        d: right(4),
      })
      expectObservable(map((n: number) => n)(endless), '^---!').toBe('-a-b-', {
        a: right(1),
        b: right(2),
      })
      expectSubscriptions(endless.subscriptions).toBe('^---!')
    })
  })
})
