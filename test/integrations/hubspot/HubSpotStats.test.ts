import { describe, expect, it } from 'vitest'
import { HubSpotStats } from '../../../src/integrations/hubspot/HubSpotStats.js'
import { RateLimiter } from '../../../src/internal/retry.js'

describe('HubSpotStats', () => {
  it('gives one object per run, shared by its stages, shown as the hubspot section', () => {
    const sections: Record<string, unknown> = {}
    const stats = HubSpotStats.of(sections)
    expect(HubSpotStats.of(sections)).toBe(stats)
    expect(HubSpotStats.of({})).not.toBe(stats)
    expect(Object.keys(sections)).toEqual(['hubspot'])
  })

  it('reports zero figures and no limits before any call', () => {
    expect(new HubSpotStats().toReport()).toEqual({
      requests: 0,
      searches: 0,
      retries: 0,
      statusCodes: {},
      rateLimited: 0,
      limiterWaits: 0,
      limiterWaitMs: 0,
      limits: {},
      searchWindows: 0,
      batchSplits: 0,
    })
  })

  it('shows the figures as they are when the report is read, the wait rounded', () => {
    const sections: Record<string, unknown> = {}
    const stats = HubSpotStats.of(sections)
    stats.requests = 5
    stats.searches = 2
    stats.retries = 1
    stats.rateLimited = 1
    stats.limiterWaits = 3
    stats.limiterWaitMs = 1234.6
    stats.dailyRemaining = 249_000
    stats.searchWindows = 4
    stats.batchSplits = 1
    expect(JSON.parse(JSON.stringify(sections))).toEqual({
      hubspot: {
        requests: 5,
        searches: 2,
        retries: 1,
        statusCodes: {},
        rateLimited: 1,
        limiterWaits: 3,
        limiterWaitMs: 1235,
        limits: {},
        dailyRemaining: 249_000,
        searchWindows: 4,
        batchSplits: 1,
      },
    })
  })

  it('counts responses by status code, network errors apart, in a copy for each report', () => {
    const stats = new HubSpotStats()
    stats.status(200)
    stats.status(429)
    stats.status(200)
    stats.status('network')
    const report = stats.toReport()
    expect(report.statusCodes).toEqual({ '200': 2, '429': 1, network: 1 })
    stats.status(500)
    expect(report.statusCodes).toEqual({ '200': 2, '429': 1, network: 1 })
  })

  it('shows the limits of the limiters it watches as they stand at the end', () => {
    const stats = new HubSpotStats()
    const requests = new RateLimiter({ limit: 100, windowMs: 10_000 })
    stats.watch(requests, undefined)
    expect(stats.toReport().limits).toEqual({ requests: { limit: 100, windowMs: 10_000 } })
    const searches = new RateLimiter({ limit: 4, windowMs: 1000 })
    stats.watch(undefined, searches)
    requests.adjust({ limit: 190, windowMs: 10_000 })
    expect(stats.toReport().limits).toEqual({
      requests: { limit: 190, windowMs: 10_000 },
      searches: { limit: 4, windowMs: 1000 },
    })
  })
})
