import { AssertionError } from 'node:assert'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assertEqual, assertSame, deepEqual } from '../../src/testing/assertEqual.js'

describe('deepEqual', () => {
  it('agrees with vitest toEqual on JSON-like values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        let expected = true
        try {
          expect(a).toEqual(b)
        } catch {
          expected = false
        }
        expect(deepEqual(a, b)).toBe(expected)
        expect(deepEqual(a, structuredClone(a))).toBe(true)
      }),
    )
  })

  it('ignores properties whose value is undefined, as toEqual does', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true)
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false)
  })

  it('asks asymmetric matchers to match', () => {
    expect(
      deepEqual({ _tag: 'Left', left: { stage: 'x' } }, expect.objectContaining({ _tag: 'Left' })),
    ).toBe(true)
    expect(deepEqual([1, 'two'], [expect.any(Number), expect.any(Number)])).toBe(false)
  })

  it('compares dates, maps, sets and errors by value, and tells arrays from objects', () => {
    expect(deepEqual(new Date(5), new Date(5))).toBe(true)
    expect(deepEqual(new Date(5), new Date(6))).toBe(false)
    expect(deepEqual(new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]]))).toBe(true)
    expect(deepEqual(new Set([1]), new Set([2]))).toBe(false)
    expect(deepEqual(new Error('x'), new Error('y'))).toBe(false)
    expect(deepEqual([], {})).toBe(false)
    expect(deepEqual(Object.create(null), {})).toBe(true)
  })

  it('terminates on cyclic values', () => {
    const a: Record<string, unknown> = { id: 1 }
    a['self'] = a
    const b: Record<string, unknown> = { id: 1 }
    b['self'] = b
    expect(deepEqual(a, b)).toBe(true)
  })
})

describe('assertEqual and assertSame', () => {
  it('throw an AssertionError carrying both values and the message', () => {
    let thrown: unknown
    try {
      assertEqual({ a: 1 }, { a: 2 }, 'records differ')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(AssertionError)
    expect(thrown).toMatchObject({
      message: 'records differ',
      actual: { a: 1 },
      expected: { a: 2 },
    })
    expect(() => assertSame(1, 1)).not.toThrow()
    expect(() => assertSame({}, {})).toThrow(AssertionError)
  })
})
