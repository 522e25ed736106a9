import { describe, expect, it } from 'vitest'
import { detached } from '../../../src/internal/profile/detached.js'

describe('detached', () => {
  it('returns text equal to its argument, short or long', () => {
    const chunk = 'x'.repeat(100) + 'a long value kept by a sketch' + 'y'.repeat(100)
    const slice = chunk.slice(100, 129)
    expect(detached(slice)).toBe('a long value kept by a sketch')
    expect(detached('short')).toBe('short')
    expect(detached('')).toBe('')
  })
})
