import { describe, expect, it } from 'vitest'
import { testKnobs } from '../../src/internal/testKnobs.js'

describe('testKnobs', () => {
  it('leaves Retry-After delays as the server asks by default', () => {
    expect(testKnobs.retryAfterScale).toBe(1)
  })
})
