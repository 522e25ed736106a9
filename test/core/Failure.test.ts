import { describe, expect, it } from 'vitest'
import { failure } from '../../src/core/Failure.js'

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
