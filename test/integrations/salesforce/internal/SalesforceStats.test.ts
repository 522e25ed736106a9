import { describe, expect, it } from 'vitest'
import {
  reportBookmark,
  runStats,
  SalesforceStats,
} from '../../../../src/integrations/salesforce/internal/SalesforceStats.js'

describe('SalesforceStats', () => {
  it('reports the calls and retries, and the rest only once known', () => {
    const stats = new SalesforceStats()
    expect(stats.toReport()).toEqual({ requests: 0, retries: 0 })
    stats.requests = 3
    stats.retries = 1
    stats.mode = 'bulk'
    stats.stoppedEarly = 'maxRecords reached'
    stats.noteLimitInfo('api-usage=25/15000')
    expect(stats.toReport()).toEqual({
      requests: 3,
      retries: 1,
      apiUsage: { used: 25, limit: 15000 },
      mode: 'bulk',
      stoppedEarly: 'maxRecords reached',
    })
  })

  it('reads the API usage from Sforce-Limit-Info, keeping the last known when a header has none', () => {
    const stats = new SalesforceStats()
    // As Salesforce sends it for a connected app with its own limit: the org's usage first.
    stats.noteLimitInfo('api-usage=7/500; per-app-api-usage=1/100(appName=x)')
    expect(stats.apiUsage).toEqual({ used: 7, limit: 500 })
    stats.noteLimitInfo(['api-usage=6/500', 'other=1'])
    expect(stats.apiUsage).toEqual({ used: 6, limit: 500 })
    stats.noteLimitInfo('api-usage=7/500')
    stats.noteLimitInfo(undefined)
    stats.noteLimitInfo('garbled')
    stats.noteLimitInfo([])
    expect(stats.apiUsage).toEqual({ used: 7, limit: 500 })
    stats.noteLimitInfo('api-usage=8/500')
    expect(stats.apiUsage).toEqual({ used: 8, limit: 500 })
    // The connected app's own figure is not the org's, wherever it stands.
    stats.noteLimitInfo('per-app-api-usage=3/100(appName=x), api-usage=9/500')
    expect(stats.apiUsage).toEqual({ used: 9, limit: 500 })
    stats.noteLimitInfo('per-app-api-usage=4/100(appName=x)')
    expect(stats.apiUsage).toEqual({ used: 9, limit: 500 })
  })

  it('reports a copy of the API usage', () => {
    const stats = new SalesforceStats()
    stats.noteLimitInfo('api-usage=1/2')
    const report = stats.toReport()
    stats.noteLimitInfo('api-usage=2/2')
    expect(report.apiUsage).toEqual({ used: 1, limit: 2 })
  })
})

describe('runStats', () => {
  it('gives one object per run, shown as the salesforce section as it is when read', () => {
    const sections: Record<string, unknown> = {}
    const stats = runStats(sections)
    expect(runStats(sections)).toBe(stats)
    expect(runStats({})).not.toBe(stats)
    stats.requests = 2
    expect(JSON.parse(JSON.stringify(sections))).toEqual({
      salesforce: { requests: 2, retries: 0 },
    })
  })
})

describe('reportBookmark', () => {
  it('shows the current bookmark as the bookmark section, each time it is read', () => {
    const sections: Record<string, unknown> = {}
    let current: { value: string } | undefined
    reportBookmark(sections, () => current as never)
    expect(Object.keys(sections)).toEqual(['bookmark'])
    expect(sections['bookmark']).toBeUndefined()
    current = { value: '2024-01-01T00:00:00Z' }
    expect(sections['bookmark']).toEqual({ value: '2024-01-01T00:00:00Z' })
  })
})
