import { describe, expect, it } from 'vitest'
import { recordBuilder, uniqueNames } from '../../../src/internal/csv/recordShape.js'

describe('uniqueNames', () => {
  it('names empty headers by position and numbers repeated ones past taken suffixes', () => {
    expect(uniqueNames(['id', '', 'id', 'id_2', 'id'])).toEqual([
      'id',
      'column_2',
      'id_3',
      'id_2',
      'id_4',
    ])
  })
})

describe('recordBuilder', () => {
  it('builds a record keyed by the names, __proto__ an ordinary key', () => {
    const build = recordBuilder<string>(['id', '__proto__', 'a"b'])
    const record = build(['1', 'x', 'y'])
    expect(Object.keys(record)).toEqual(['id', '__proto__', 'a"b'])
    expect(record['__proto__']).toBe('x')
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
  })

  // The tasks of a split file each open a reader of the same header on one thread: one function
  // for all of them, so that the code calling it stays optimized.
  it('gives the same builder for the same names, another for other names', () => {
    const first = recordBuilder<string>(['id', 'email'])
    expect(recordBuilder<string>(['id', 'email'])).toBe(first)
    expect(recordBuilder<string>(['email', 'id'])).not.toBe(first)
    expect(recordBuilder<string>(['id', 'email'])(['1', 'a@b'])).toEqual({ id: '1', email: 'a@b' })
  })
})
