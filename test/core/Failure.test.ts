import { describe, expect, it } from 'vitest'
import { describeError, failure } from '../../src/core/Failure.js'

describe('failure', () => {
  it('composes a message that names the stage and the place, once', () => {
    expect(
      failure('ParseError', {
        stage: 'fromCsv deals.csv',
        reason: 'unterminated quoted field',
        location: { file: 'deals.csv', line: 17 },
      }).message,
    ).toBe('fromCsv deals.csv line 17: unterminated quoted field')
    expect(
      failure('ValidationError', {
        stage: 'validate',
        reason: 'amount: expected number, got "abc"',
        location: { file: 'x.csv', row: 3, recordId: '42', field: 'amount' },
      }).message,
    ).toBe('validate x.csv row 3 record 42 field amount: amount: expected number, got "abc"')
  })

  it('leaves out what is not known', () => {
    const f = failure('TransformError', { stage: 'map', reason: 'boom' })
    expect(f).toEqual({ _tag: 'TransformError', stage: 'map', message: 'map: boom' })
  })
})

describe('describeError', () => {
  it('describes errors, strings and values', () => {
    expect(describeError(new Error('boom'))).toBe('boom')
    expect(describeError('plain')).toBe('plain')
    expect(describeError({ code: 7 })).toBe('{"code":7}')
    expect(describeError(undefined)).toBe('undefined')
  })

  it('never throws itself, whatever was thrown (a hostile Proxy)', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('gotcha')
        },
        getPrototypeOf() {
          throw new Error('gotcha')
        },
        ownKeys() {
          throw new Error('gotcha')
        },
      },
    )
    expect(() => describeError(hostile)).not.toThrow()
    expect(describeError(hostile)).toBe('a thrown value that cannot be described')
    const badMessage = new Error('x')
    Object.defineProperty(badMessage, 'message', {
      get() {
        throw new Error('gotcha')
      },
    })
    expect(() => describeError(badMessage)).not.toThrow()
  })
})
