import { AssertionError } from 'node:assert'
import { readFileSync } from 'node:fs'
import { left, right } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { failure } from '../../src/core/Failure.js'
import { map } from '../../src/operators/map.js'
import { leftValues, rightValues, testScheduler } from '../../src/testing/testScheduler.js'

const broken = failure('ParseError', { stage: 'fromCsv', reason: 'unterminated quoted field' })
const double = map((n: number) => n * 2)

describe('testScheduler', () => {
  it('fails with an AssertionError carrying both frame lists when the frames differ', () => {
    let thrown: unknown
    try {
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(double(cold('-a|', rightValues({ a: 1 })))).toBe(
          '-a|',
          rightValues({ a: 3 }),
        )
      })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(AssertionError)
    expect((thrown as AssertionError).message).toMatch(/frames differ/)
    expect(JSON.stringify((thrown as AssertionError).actual)).toContain('"right":2')
    expect(JSON.stringify((thrown as AssertionError).expected)).toContain('"right":3')
  })

  it('needs no test framework: its assertions are node:assert errors', () => {
    expect(
      readFileSync(new URL('../../src/testing/testScheduler.ts', import.meta.url), 'utf8'),
    ).not.toMatch(/from 'vitest'/)
  })

  it('accepts asymmetric matchers as expected values', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(double(cold('-a|', rightValues({ a: 1 })))).toBe('-a|', {
        a: expect.objectContaining({ _tag: 'Right' }),
      })
    })
  })

  describe('a marble test of map', () => {
    it('completes at once on empty input', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const input = cold<never>('|')
        expectObservable(double(input)).toBe('|')
        expectSubscriptions(input.subscriptions).toBe('(^!)')
      })
    })

    it('maps one record', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(double(cold('--a--|', rightValues({ a: 1 })))).toBe(
          '--x--|',
          rightValues({ x: 2 }),
        )
      })
    })

    it('maps many records keeping their timing, and passes failures through untouched', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const input = cold('-a-e-b(cd)-|', {
          ...rightValues({ a: 1, b: 2, c: 3, d: 4 }),
          ...leftValues({ e: broken }),
        })
        expectObservable(double(input)).toBe('-a-e-b(cd)-|', {
          ...rightValues({ a: 2, b: 4, c: 6, d: 8 }),
          ...leftValues({ e: broken }),
        })
        expectSubscriptions(input.subscriptions).toBe('^----------!')
      })
    })

    it('passes an upstream error on and unsubscribes', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const input = cold('-a-#', rightValues({ a: 1 }), new Error('disk gone'))
        expectObservable(double(input)).toBe('-x-#', rightValues({ x: 2 }), new Error('disk gone'))
        expectSubscriptions(input.subscriptions).toBe('^--!')
      })
    })

    it('keeps mapping a never-ending input without completing', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(double(cold('-a-b-c-', rightValues({ a: 1, b: 2, c: 3 })))).toBe(
          '-x-y-z-',
          rightValues({ x: 2, y: 4, z: 6 }),
        )
      })
    })

    it('unsubscribes from its input when its output is unsubscribed early', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const input = cold('-a-b-c-d-|', rightValues({ a: 1, b: 2, c: 3, d: 4 }))
        expectObservable(double(input), '^----!').toBe('-x-y-', rightValues({ x: 2, y: 4 }))
        expectSubscriptions(input.subscriptions).toBe('^----!')
      })
    })

    it('turns a throwing callback into a TransformError for that record and goes on', () => {
      const noTwos = map(
        (n: number) => {
          if (n === 2) throw new Error('no twos')
          return n * 10
        },
        { name: 'no twos' },
      )
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const input = cold('-a-b-c-|', rightValues({ a: 1, b: 2, c: 3 }))
        expectObservable(noTwos(input)).toBe('-x-y-z-|', {
          x: right(10),
          y: left(
            expect.objectContaining({
              _tag: 'TransformError',
              stage: 'no twos',
              message: 'no twos: no twos',
              record: 2,
            }),
          ),
          z: right(30),
        })
        expectSubscriptions(input.subscriptions).toBe('^------!')
      })
    })
  })
})

describe('rightValues', () => {
  it('wraps every value of a marble map in right', () => {
    expect(rightValues({ a: { id: 1 }, b: 'two' })).toEqual({
      a: right({ id: 1 }),
      b: right('two'),
    })
    expect(rightValues({})).toEqual({})
  })
})

describe('leftValues', () => {
  it('wraps every failure of a marble map in left, keeping the same object', () => {
    const values = leftValues({ x: broken })
    expect(values).toEqual({ x: left(broken) })
    expect(values.x._tag === 'Left' && values.x.left).toBe(broken)
  })
})
