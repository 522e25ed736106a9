import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { detachString, detachValue, fieldsKey, ownField } from '../../src/internal/keys.js'

describe('detachString', () => {
  it('gives back an equal string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(detachString(text)).toBe(text)
      }),
    )
  })
})

describe('detachValue', () => {
  it('gives back strings equal and every other value as it is', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(detachValue(value)).toBe(value)
      }),
    )
  })
})

describe('fieldsKey', () => {
  const sameKeyModel = (fields: readonly string[], a: object, b: object): boolean =>
    fields.every((field) => {
      const x = (a as Record<string, unknown>)[field] ?? null
      const y = (b as Record<string, unknown>)[field] ?? null
      return JSON.stringify(x) === JSON.stringify(y)
    })
  const value = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.constantFrom('a,b', 'c', 'a', 'b,c', '["a"]', 'null'),
    fc.integer({ min: -2, max: 2 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  )
  const fieldList = fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 })
  const recordOf = fc.record({ a: value, b: value, c: value }, { requiredKeys: [] })

  it('gives two records the same key exactly when their fields hold the same JSON values', () => {
    fc.assert(
      fc.property(fieldList, recordOf, recordOf, (fields, a, b) => {
        const key = fieldsKey(fields)
        expect(Object.is(key(a), key(b)) || key(a) === key(b)).toBe(sameKeyModel(fields, a, b))
      }),
    )
  })

  it('keys one field by its value itself, a missing one by null, an object by its JSON', () => {
    const key = fieldsKey(['id'])
    expect(key({ id: 7 })).toBe(7)
    expect(key({ id: 'x' })).toBe('x')
    expect(key({})).toBeNull()
    expect(key({ id: null })).toBeNull()
    expect(key({ id: new Date(0) })).toBe('["1970-01-01T00:00:00.000Z"]')
    expect(key({ id: { a: 1 } })).toBe('[{"a":1}]')
  })

  it('never lets values with commas collide across several fields', () => {
    const key = fieldsKey(['a', 'b'])
    expect(key({ a: 'a,b', b: 'c' })).not.toBe(key({ a: 'a', b: 'b,c' }))
  })
})

describe('ownField', () => {
  it('reads own fields and never inherited ones', () => {
    expect(ownField({ a: 1 }, 'a')).toBe(1)
    expect(ownField({}, 'constructor')).toBeUndefined()
    expect(ownField({}, 'toString')).toBeUndefined()
    expect(ownField({}, '__proto__')).toBeUndefined()
    expect(ownField(Object.create({ inherited: 1 }), 'inherited')).toBeUndefined()
    expect(ownField(JSON.parse('{"__proto__": 5}'), '__proto__')).toBe(5)
  })

  it('gives undefined for anything that is not an object', () => {
    for (const value of [null, undefined, 1, 'a', true])
      expect(ownField(value, 'a')).toBeUndefined()
  })
})
