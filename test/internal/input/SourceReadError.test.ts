import { describe, expect, it } from 'vitest'
import {
  cannotOpen,
  cannotRead,
  describeSystemError,
  SourceReadError,
} from '../../../src/internal/input/SourceReadError.js'

describe('describeSystemError', () => {
  it('says why in a few words, with the code', () => {
    expect(describeSystemError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(
      'no such file (ENOENT)',
    )
    expect(describeSystemError({ code: 'EWHATEVER' })).toBe('system error (EWHATEVER)')
    expect(describeSystemError(new Error('plain'))).toBe('plain')
    expect(describeSystemError(null)).toBe('null')
  })
})

describe('cannotOpen and cannotRead', () => {
  it('name the stage and the place, and keep the cause', () => {
    const cause = Object.assign(new Error('x'), { code: 'EACCES' })
    const error = cannotOpen('fromCsv a.csv', '/d/a.csv', cause)
    expect(error).toBeInstanceOf(SourceReadError)
    expect(error.message).toBe('fromCsv a.csv: cannot open /d/a.csv: permission denied (EACCES)')
    expect(error.cause).toBe(cause)
    expect(cannotRead('s', 'the stream', 'it ended').message).toBe(
      's: cannot read the stream: it ended',
    )
  })
})
