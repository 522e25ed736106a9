import { describe, expect, it } from 'vitest'
import type { ColumnProfile } from '../../../src/core/ColumnProfile.js'
import { columnCard } from '../../../src/internal/html/columnCard.js'
import { ColumnProfiler } from '../../../src/internal/profile/ColumnProfiler.js'
import { unbalancedTags } from '../../support/markup.js'

function profileOf(values: readonly unknown[]): ColumnProfile {
  const profiler = new ColumnProfiler('c', { topK: 10, histogramBins: 20 })
  for (const value of values) profiler.add(value)
  return profiler.result(values.length)
}

describe('columnCard', () => {
  it('shows a column with few values as exact, with no sampling label', () => {
    const card = columnCard(profileOf(['won', 'lost', 'won', '']))
    expect(unbalancedTags(card)).toEqual([])
    expect(card).toContain('data-column="c"')
    expect(card).not.toContain('data-sampled')
    expect(card).toContain('Most frequent values: exact counts.')
  })

  it('labels a sampled column and gives each top value its ± bound', () => {
    // 100,000 values, 2,000 distinct: past 65,536 values the top values come from the sample.
    const profile = profileOf(Array.from({ length: 100_000 }, (_, i) => `code-${i % 2_000}`))
    expect(profile.sampled).toBeDefined()
    const card = columnCard(profile)
    expect(unbalancedTags(card)).toEqual([])
    expect(card).toContain('data-sampled')
    expect(card).toMatch(/sampled 1 in 8<\/span>/)
    expect(card).toContain('After its first 65,536 values')
    expect(card).toContain('estimated from the sample')
    const top = profile.topValues[0]
    expect(top?.error).toBeGreaterThan(0)
    expect(card).toContain(`(± ${top?.error.toLocaleString('en-US')})`)
  })

  it('gives the over-statement bound of top values counted without a sample', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? 'often' : `once-${i}`))
    const profile = profileOf(values)
    expect(profile.sampled).toBeUndefined()
    expect(profile.topValuesExact).toBe(false)
    const card = columnCard(profile)
    expect(card).not.toContain('data-sampled')
    expect(card).toContain('may over-state the true count')
    expect(card).toMatch(/\(at most [\d,]+ over\)/)
  })

  it('shows a sampled numeric column its histogram, and its most frequent value with the bound', () => {
    const profile = profileOf(Array.from({ length: 80_000 }, (_, i) => String(i % 5_000)))
    const card = columnCard(profile)
    expect(profile.type).toBe('integer')
    expect(card).toContain('data-sampled')
    expect(card).toContain('Histogram of c')
    expect(card).toMatch(/<th>most frequent<\/th><td>\d+ \([\d,]+, ± [\d,]+\)<\/td>/)
  })

  it('marks the type share as estimated when a sampled column is typed by its text', () => {
    const emails = Array.from({ length: 70_000 }, (_, i) => `user${i}@example.com`)
    const card = columnCard(profileOf(emails))
    expect(card).toMatch(/<td>email \(≈ [\d.]+ % fit\)<\/td>/)
  })
})
