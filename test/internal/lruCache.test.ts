import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LruCache } from '../../src/internal/lruCache.js'

describe('LruCache', () => {
  it('agrees with an Array model of recency on any sequence of gets and sets', () => {
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('get' as const),
        key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      }),
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        value: fc.integer(),
      }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(operation), (maxEntries, operations) => {
        const cache = new LruCache<number>({ maxEntries })
        // Most recently used last.
        let model: Array<{ key: string; value: number }> = []
        for (const op of operations) {
          const index = model.findIndex((entry) => entry.key === op.key)
          if (op.kind === 'get') {
            const got = cache.get(op.key)
            if (index < 0) expect(got).toBeUndefined()
            else {
              const [entry] = model.splice(index, 1)
              model.push(entry!)
              expect(got?.value).toBe(entry!.value)
            }
          } else {
            cache.set(op.key, op.value)
            if (index >= 0) model.splice(index, 1)
            model.push({ key: op.key, value: op.value })
            model = model.slice(-maxEntries)
          }
          expect(cache.size).toBe(model.length)
        }
      }),
    )
  })

  it('keeps an undefined value apart from a miss', () => {
    const cache = new LruCache<undefined>({ maxEntries: 2 })
    cache.set('k', undefined)
    const hit = cache.get('k')
    expect(hit).toBeDefined()
    expect(hit?.value).toBeUndefined()
    expect(cache.get('other')).toBeUndefined()
  })

  it('forgets an entry once its time to live has passed, by its own clock', () => {
    let now = 1_000
    const cache = new LruCache<string>({ maxEntries: 5, ttlMs: 100, now: () => now })
    cache.set('a', 'A')
    cache.set('b', 'B', 500)
    now += 99
    expect(cache.get('a')?.value).toBe('A')
    now += 1
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(1)
    expect(cache.get('b')?.value).toBe('B')
    now += 400
    expect(cache.get('b')).toBeUndefined()
  })

  it('refuses a size below 1 or a time to live of 0 or less, saying what it got', () => {
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(
      new RangeError('cache maxEntries must be at least 1 (got 0)'),
    )
    expect(() => new LruCache({ maxEntries: Number.NaN })).toThrow(RangeError)
    expect(() => new LruCache({ maxEntries: 1, ttlMs: 0 })).toThrow(
      new RangeError('cache ttlMs must be above 0 (got 0)'),
    )
  })
})
