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

  describe("ofPromises (the batching sinks' queue)", () => {
    const tracker = () => {
      const counts = { begun: 0, ended: 0 }
      return {
        counts,
        beginWork: () => void (counts.begun += 1),
        endWork: () => void (counts.ended += 1),
      }
    }

    const gate = () => {
      let open: () => void = () => undefined
      const opened = new Promise<void>((resolve) => (open = resolve))
      return { opened, open: () => open() }
    }

    it('runs items in order, at most `limit` at once, and counts each as work', async () => {
      const work = tracker()
      const started: number[] = []
      const gates = new Map<number, ReturnType<typeof gate>>()
      const pool = ConcurrencyPool.ofPromises<number>(
        2,
        (batch) => {
          started.push(batch)
          const g = gate()
          gates.set(batch, g)
          return g.opened
        },
        work,
      )
      pool.submit(1)
      pool.submit(2)
      pool.submit(3)
      expect(started).toEqual([1, 2])
      gates.get(1)?.open()
      await Promise.resolve()
      await Promise.resolve()
      expect(started).toEqual([1, 2, 3])
      gates.get(2)?.open()
      gates.get(3)?.open()
      await pool.whenIdle()
      expect(work.counts).toEqual({ begun: 3, ended: 3 })
      expect(pool.idle).toBe(true)
    })

    it('runs nothing more once cleared or aborted, and waits for what is in flight', async () => {
      const controller = new AbortController()
      const work = tracker()
      const started: number[] = []
      const first = gate()
      const pool = ConcurrencyPool.ofPromises<number>(
        1,
        (batch) => {
          if (controller.signal.aborted) return undefined
          started.push(batch)
          return batch === 1 ? first.opened : Promise.resolve()
        },
        work,
      )
      pool.submit(1)
      pool.submit(2)
      pool.clear()
      pool.submit(3)
      controller.abort()
      let idle = false
      const waiting = pool.whenIdle().then(() => (idle = true))
      await Promise.resolve()
      expect(idle).toBe(false)
      first.open()
      await waiting
      expect(started).toEqual([1])
      expect(work.counts.begun).toBe(work.counts.ended)
    })

    it('frees the place of work that rejects', async () => {
      const started: number[] = []
      const pool = ConcurrencyPool.ofPromises<number>(1, (item) => {
        started.push(item)
        return item === 1 ? Promise.reject(new Error('refused')) : Promise.resolve()
      })
      pool.submit(1)
      pool.submit(2)
      await pool.whenIdle()
      expect(started).toEqual([1, 2])
    })
  })

  it('whenIdle resolves at once when idle, and not while paused', async () => {
    const idlePool = new ConcurrencyPool<number>(1, () => false)
    await idlePool.whenIdle()
    const paused = new ConcurrencyPool<number>(1, () => false, true)
    let idle = false
    const waiting = paused.whenIdle().then(() => (idle = true))
    await Promise.resolve()
    expect(idle).toBe(false)
    paused.resume()
    await waiting
    expect(idle).toBe(true)
  })
})
