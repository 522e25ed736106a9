import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ConcurrencyPool } from '../../src/internal/ConcurrencyPool.js'

describe('ConcurrencyPool', () => {
  it('runs at most `limit` items at once, in arrival order, and every item once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (limit, takesPlace, finishOrder) => {
          const started: number[] = []
          const inProgress: number[] = []
          let most = 0
          const pool = new ConcurrencyPool<number>(limit, (item) => {
            started.push(item)
            if (!(takesPlace[item] ?? true)) return false
            inProgress.push(item)
            most = Math.max(most, inProgress.length)
            return true
          })
          takesPlace.forEach((_, item) => pool.submit(item))
          for (const pick of [...finishOrder, ...takesPlace.map(() => 0)]) {
            if (inProgress.length === 0) break
            inProgress.splice(pick % inProgress.length, 1)
            pool.finished()
          }
          expect(started).toEqual(takesPlace.map((_, item) => item))
          expect(most).toBeLessThanOrEqual(limit)
          expect([pool.active, pool.waiting]).toEqual([0, 0])
        },
      ),
    )
  })

  it('starts nothing while paused, and everything it may once resumed', () => {
    const started: string[] = []
    const pool = new ConcurrencyPool<string>(2, (item) => (started.push(item), true), true)
    pool.submit('a')
    pool.submit('b')
    pool.submit('c')
    expect([started, pool.full, pool.idle, pool.waiting]).toEqual([[], true, false, 3])
    pool.resume()
    expect(started).toEqual(['a', 'b'])
    pool.finished()
    expect(started).toEqual(['a', 'b', 'c'])
  })

  it('lets work that finishes synchronously free its place without re-entering start', () => {
    let depth = 0
    let deepest = 0
    const started: number[] = []
    const pool: ConcurrencyPool<number> = new ConcurrencyPool<number>(1, (item) => {
      depth += 1
      deepest = Math.max(deepest, depth)
      started.push(item)
      pool.finished()
      depth -= 1
      return true
    })
    for (let item = 0; item < 5; item++) pool.submit(item)
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect(deepest).toBe(1)
    expect(pool.active).toBe(0)
  })

  it('forgets waiting items when cleared', () => {
    const started: number[] = []
    const pool = new ConcurrencyPool<number>(1, (item) => (started.push(item), true))
    pool.submit(1)
    pool.submit(2)
    pool.clear()
    pool.finished()
    expect(started).toEqual([1])
  })

  it('refuses a limit under 1', () => {
    expect(() => new ConcurrencyPool(0, () => true)).toThrow(RangeError)
  })
})
