import { describe, expect, it } from 'vitest'
import { EnrichCounters, reportEnrich } from '../../../src/internal/enrich/EnrichCounters.js'

describe('EnrichCounters', () => {
  it('starts at zero and reports every figure under its name', () => {
    const counters = new EnrichCounters('enrich by id')
    expect(counters.toReport()).toEqual({
      name: 'enrich by id',
      calls: 0,
      retries: 0,
      retryAfterWaits: 0,
      failedLookups: 0,
      cacheHits: 0,
      cacheMisses: 0,
      cachedMissHits: 0,
    })
  })

  it('reports a copy of the figures as they are when asked', () => {
    const counters = new EnrichCounters('e')
    counters.calls = 3
    counters.cacheHits = 2
    const report = counters.toReport()
    counters.calls = 4
    expect(report).toMatchObject({ calls: 3, cacheHits: 2 })
    expect(counters.toReport().calls).toBe(4)
  })
})

describe('reportEnrich', () => {
  it('adds an enumerable enrich section listing each stage in the order added', () => {
    const sections: Record<string, unknown> = {}
    const first = new EnrichCounters('first')
    const second = new EnrichCounters('second')
    reportEnrich(sections, first)
    reportEnrich(sections, second)
    expect(Object.keys(sections)).toEqual(['enrich'])
    expect((sections['enrich'] as Array<{ name: string }>).map((each) => each.name)).toEqual([
      'first',
      'second',
    ])
  })

  it('shows the figures as they are when the report is made, not when the stage was added', () => {
    const sections: Record<string, unknown> = {}
    const counters = new EnrichCounters('e')
    reportEnrich(sections, counters)
    counters.calls = 7
    counters.failedLookups = 1
    expect(JSON.parse(JSON.stringify(sections))).toEqual({
      enrich: [expect.objectContaining({ name: 'e', calls: 7, failedLookups: 1 })],
    })
    expect({ ...sections }).toEqual({ enrich: [expect.objectContaining({ calls: 7 })] })
  })

  it('keeps the sections of different runs apart', () => {
    const one: Record<string, unknown> = {}
    const other: Record<string, unknown> = {}
    reportEnrich(one, new EnrichCounters('a'))
    reportEnrich(other, new EnrichCounters('b'))
    expect(one['enrich']).toEqual([expect.objectContaining({ name: 'a' })])
    expect(other['enrich']).toEqual([expect.objectContaining({ name: 'b' })])
  })
})
