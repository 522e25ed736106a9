import { describe, expect, it } from 'vitest'
import { setOwn } from '../../src/internal/setOwn.js'

describe('setOwn', () => {
  it('sets an ordinary key as plain assignment does', () => {
    const target: Record<string, unknown> = {}
    setOwn(target, 'id', 7)
    expect(target).toEqual({ id: 7 })
  })

  it('sets __proto__ as an own enumerable data property and leaves the prototype alone', () => {
    const target: Record<string, unknown> = {}
    setOwn(target, '__proto__', { polluted: true })
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype)
    expect(Object.hasOwn(target, '__proto__')).toBe(true)
    expect(Object.keys(target)).toEqual(['__proto__'])
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true}}')
  })
})
