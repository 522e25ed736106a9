import { describe, expect, it } from 'vitest'
import { restoreValue, saveValue } from '../../../src/internal/checkpoint/savedValue.js'

const roundTrip = (value: unknown): unknown =>
  restoreValue(JSON.parse(JSON.stringify(saveValue(value, 'test'))))

describe('saveValue and restoreValue', () => {
  it('give back JSON values as they are', () => {
    const value = { a: 'x', b: 1.5, c: true, d: null, e: [1, 'two', [false]], f: { g: {} } }
    expect(saveValue(value, 'test')).toEqual(value)
    expect(roundTrip(value)).toEqual(value)
  })

  it('give back the values JSON cannot hold: undefined, -0, NaN, infinities, bigints, Dates', () => {
    const value = {
      missing: undefined,
      negativeZero: -0,
      nan: Number.NaN,
      up: Number.POSITIVE_INFINITY,
      down: Number.NEGATIVE_INFINITY,
      big: 12_345_678_901_234_567_890n,
      when: new Date('2026-12-05T10:00:00.000Z'),
      invalid: new Date(Number.NaN),
      list: [undefined, 1],
    }
    const back = roundTrip(value) as typeof value
    expect(Object.hasOwn(back, 'missing') && back.missing === undefined).toBe(true)
    expect(Object.is(back.negativeZero, -0)).toBe(true)
    expect(back.nan).toBeNaN()
    expect(back.up).toBe(Number.POSITIVE_INFINITY)
    expect(back.down).toBe(Number.NEGATIVE_INFINITY)
    expect(back.big).toBe(12_345_678_901_234_567_890n)
    expect(back.when).toEqual(value.when)
    expect(Number.isNaN(back.invalid.getTime())).toBe(true)
    expect(back.list).toEqual([undefined, 1])
  })

  it('never takes a field of the data for a tag, nor a __proto__ field for the prototype', () => {
    const value = JSON.parse('{"$":"u","v":1,"__proto__":{"x":1}}') as Record<string, unknown>
    const back = roundTrip(value) as Record<string, unknown>
    expect(back['$']).toBe('u')
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.hasOwn(back, '__proto__')).toBe(true)
    expect(back).toEqual(value)
  })

  it('refuses what is not data, naming where: functions, symbols, Maps, class instances, cycles', () => {
    class Point {
      x = 1
    }
    const cycle: Record<string, unknown> = {}
    cycle['self'] = cycle
    for (const value of [() => 1, Symbol('s'), new Map(), new Set([1]), new Point(), cycle])
      expect(() => saveValue({ nested: [value] }, 'aggregate sum_of')).toThrow(
        /^aggregate sum_of: cannot save .* in a checkpoint/,
      )
  })
})
