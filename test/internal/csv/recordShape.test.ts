import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { recordBuilder, uniqueNames } from '../../../src/internal/csv/recordShape.js'

describe('uniqueNames', () => {
  it('keeps names that are unique and non-empty as they are', () => {
    expect(uniqueNames(['id', 'name', 'Name'])).toEqual(['id', 'name', 'Name'])
    expect(uniqueNames([])).toEqual([])
  })

  it('names an empty name by its 1-based position', () => {
    expect(uniqueNames(['', 'a', ''])).toEqual(['column_1', 'a', 'column_3'])
  })

  it('numbers repeats from _2, keeping the first as written', () => {
    expect(uniqueNames(['a', 'a', 'b', 'a'])).toEqual(['a', 'a_2', 'b', 'a_3'])
  })

  it('skips suffixes that another column already has', () => {
    expect(uniqueNames(['a', 'a', 'a_2'])).toEqual(['a', 'a_3', 'a_2'])
    expect(uniqueNames(['column_2', '', ''])).toEqual(['column_2', 'column_2_2', 'column_3'])
  })

  it('names empty columns first: a later column written as the same name is the repeat', () => {
    expect(uniqueNames(['a', '', 'column_2'])).toEqual(['a', 'column_2', 'column_2_2'])
  })

  it('gives as many names as it is given, all different and non-empty', () => {
    const name = fc.constantFrom('', 'a', 'a_2', 'a_3', 'column_1', 'column_2', 'b')
    fc.assert(
      fc.property(fc.array(name, { maxLength: 12 }), (header) => {
        const names = uniqueNames(header)
        expect(names).toHaveLength(header.length)
        expect(new Set(names).size).toBe(names.length)
        expect(names.every((each) => each !== '')).toBe(true)
        // A name written once stays as it was, unless an empty column came by the same name.
        const positional = new Set(
          header.map((each, index) => (each === '' ? `column_${index + 1}` : '')),
        )
        header.forEach((each, index) => {
          if (each !== '' && header.indexOf(each) === index && !positional.has(each))
            expect(names[index]).toBe(each)
        })
      }),
    )
  })
})

describe('recordBuilder', () => {
  afterEach(() => vi.restoreAllMocks())

  it('builds a record with the names as keys, in order', () => {
    const build = recordBuilder<string>(['id', 'name'])
    const record = build(['1', 'Ada'])
    expect(record).toEqual({ id: '1', name: 'Ada' })
    expect(Object.keys(record)).toEqual(['id', 'name'])
  })

  it('builds a fresh object each time', () => {
    const build = recordBuilder<number>(['a'])
    const first = build([1])
    expect(build([2])).toEqual({ a: 2 })
    expect(first).toEqual({ a: 1 })
  })

  it('takes any name as a key, code-like ones and __proto__ included', () => {
    const names = ['__proto__', 'constructor', '"}; throw 1; //', '\\', "it's", '\u2028', '0']
    const record = recordBuilder<number>(names)(names.map((_, index) => index))
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
    expect(Object.keys(record).sort()).toEqual([...names].sort())
    names.forEach((name, index) =>
      expect(Object.getOwnPropertyDescriptor(record, name)?.value).toBe(index),
    )
  })

  it('builds the same record without code generation', () => {
    const generated = recordBuilder<number>(['a', '__proto__', 'b'])([1, 2, 3])
    // Names no other test uses: compiled builders are kept by their names.
    const names = ['a', '__proto__', 'b', 'no-codegen']
    const refused = vi.spyOn(globalThis, 'Function').mockImplementation(() => {
      throw new EvalError('code generation from strings disallowed')
    })
    const looped = recordBuilder<number>(names)([1, 2, 3, 4])
    expect(refused).toHaveBeenCalled()
    expect(Object.getPrototypeOf(looped)).toBe(Object.prototype)
    expect(Object.entries(looped)).toEqual([...Object.entries(generated), ['no-codegen', 4]])
    expect(Object.getOwnPropertyDescriptor(looped, '__proto__')).toMatchObject({
      value: 2,
      enumerable: true,
      writable: true,
    })
  })

  it('gives any names and values back as entries, with or without code generation', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 6 }), (names) => {
        const values = names.map((_, index) => index)
        const record = recordBuilder<number>(names)(values)
        expect(Object.getOwnPropertyNames(record).sort()).toEqual([...names].sort())
        for (const [index, name] of names.entries())
          expect(Object.getOwnPropertyDescriptor(record, name)?.value).toBe(index)
      }),
    )
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
