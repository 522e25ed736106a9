import * as FastCheck from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fc } from '../../src/testing/fastCheck.js'

describe('fc', () => {
  it('is fast-check itself when it is installed: the same functions, arbitraries that generate', () => {
    expect(fc.integer).toBe(FastCheck.integer)
    expect(fc.assert).toBe(FastCheck.assert)
    const sample = fc.sample(fc.integer({ min: 1, max: 3 }), 20)
    expect(sample.every((n) => n >= 1 && n <= 3)).toBe(true)
  })
})
