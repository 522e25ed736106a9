import { describe, expect, it } from 'vitest'
import { STYLES } from '../../../src/internal/html/styles.js'

describe('STYLES', () => {
  it('is a style sheet whose braces balance, with no import or remote resource', () => {
    let depth = 0
    for (const char of STYLES) {
      if (char === '{') depth += 1
      if (char === '}') depth -= 1
      expect(depth).toBeGreaterThanOrEqual(0)
    }
    expect(depth).toBe(0)
    expect(STYLES).not.toMatch(/@import|url\(/)
  })

  it('styles every run status the page can show', () => {
    for (const status of ['completed', 'failed', 'aborted'])
      expect(STYLES).toContain(`.status-${status}`)
  })
})
