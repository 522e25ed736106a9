import { describe, expect, it } from 'vitest'
import { EnrichCounters } from '../../../src/internal/enrich/EnrichCounters.js'
import { LookupCache } from '../../../src/internal/enrich/LookupCache.js'

function cache(options: { ttlMs?: number; missTtlMs?: number } = {}) {
  let now = 0
  const counters = new EnrichCounters('enrich')
  const made = new LookupCache({ maxEntries: 10, ...options, now: () => now }, counters)
  return { cache: made, counters, advance: (ms: number) => (now += ms) }
}

describe('LookupCache', () => {
  it('remembers a match and counts the hit', () => {
    const { cache: lookups, counters } = cache()
    lookups.remember('a', { ok: true, value: { x: 1 } })
    expect(lookups.get('a')).toEqual({ ok: true, value: { x: 1 } })
    expect(lookups.get('b')).toBeUndefined()
    expect([counters.cacheHits, counters.cachedMissHits]).toEqual([1, 0])
  })

  it('remembers a miss for missTtlMs, and a match for ttlMs', () => {
    const { cache: lookups, counters, advance } = cache({ ttlMs: 100, missTtlMs: 10 })
    lookups.remember('hit', { ok: true, value: {} })
    lookups.remember('miss', { ok: true, value: null })
    expect(lookups.get('miss')).toEqual({ ok: true, value: null })
    expect(counters.cachedMissHits).toBe(1)
    advance(20)
    expect(lookups.get('miss')).toBeUndefined()
    expect(lookups.get('hit')).toBeDefined()
  })

  it('remembers a permanent failure (404, not retryable) as cached, never a transient one', () => {
    const { cache: lookups } = cache()
    const notFound = Object.assign(new Error('gone'), { status: 404 })
    lookups.remember('404', { ok: false, error: notFound, attempts: 1 })
    lookups.remember('fatal', {
      ok: false,
      error: new Error('x'),
      attempts: 1,
      gaveUp: 'not-retryable',
    })
    lookups.remember('503', {
      ok: false,
      error: Object.assign(new Error('busy'), { status: 503 }),
      attempts: 3,
    })
    expect(lookups.get('404')).toMatchObject({ ok: false, cached: true })
    expect(lookups.get('fatal')).toMatchObject({ ok: false, cached: true })
    expect(lookups.get('503')).toBeUndefined()
  })
})
