import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  AttemptTimeoutError,
  RateLimiter,
  RetryExhaustedError,
  backoffDelay,
  parseRetryAfter,
  sleepFor,
  withRetry,
  type RetryInfo,
} from '../../src/internal/retry.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toWebhook } from '../../src/sinks/toWebhook.js'
import { toJson } from '../../src/sinks/toJson.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { startFlakyServer } from '../support/flakyServer.js'
import { activeResources, eventually, expectBalanced, settle } from '../support/ledger.js'

/** An instant sleep that records what it was asked to wait. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = []
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms)
      return Promise.resolve()
    },
  }
}

class StatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter?: number,
  ) {
    super(`status ${status}`)
  }
}

describe('withRetry', () => {
  it('returns the first success without waiting', async () => {
    const { sleep, waits } = recordingSleep()
    const result = await withRetry(async (n) => `ok on ${n}`, { sleep })
    expect(result).toBe('ok on 1')
    expect(waits).toEqual([])
  })

  it('retries until an attempt succeeds, passing the attempt number', async () => {
    const { sleep, waits } = recordingSleep()
    const seen: number[] = []
    const result = await withRetry(
      async (n) => {
        seen.push(n)
        if (n < 3) throw new Error(`boom ${n}`)
        return n
      },
      { retries: 5, minDelayMs: 10, maxDelayMs: 1000, sleep, random: () => 0.5 },
    )
    expect(result).toBe(3)
    expect(seen).toEqual([1, 2, 3])
    // attempt 1 failed: uniform in [10, 20] → 15; attempt 2: [10, 40] → 25
    expect(waits).toEqual([15, 25])
  })

  it('makes at most retries + 1 attempts and says how many in the error', async () => {
    const { sleep } = recordingSleep()
    let calls = 0
    const error = await withRetry(
      async () => {
        calls += 1
        throw new Error('always down')
      },
      { retries: 2, sleep },
    ).catch((e: unknown) => e)
    expect(calls).toBe(3)
    expect(error).toBeInstanceOf(RetryExhaustedError)
    expect(error).toMatchObject({ attempts: 3, reason: 'exhausted' })
    expect((error as Error).message).toBe('always down (gave up after 3 attempts)')
    expect(((error as RetryExhaustedError).cause as Error).message).toBe('always down')
  })

  it('refuses a number of retries that is not a number, rather than retrying without end', async () => {
    const { sleep } = recordingSleep()
    let calls = 0
    const outcome = await withRetry(
      async () => {
        calls += 1
        // Only a runaway loop gets here: stop it so the test ends either way.
        if (calls > 10) return 'ran away'
        throw new Error('always down')
      },
      { retries: Number.NaN, sleep },
    ).catch((e: unknown) => e)
    expect(outcome).toBeInstanceOf(RangeError)
    expect((outcome as Error).message).toBe('retries must be a number of at least 0 (got NaN)')
    expect(calls).toBe(0)
  })

  it('does not retry an error that is not retryable', async () => {
    const { sleep } = recordingSleep()
    let calls = 0
    const error = await withRetry(
      async () => {
        calls += 1
        throw new StatusError(400)
      },
      { retries: 5, sleep, isRetryable: (e) => (e as StatusError).status >= 500 },
    ).catch((e: unknown) => e)
    expect(calls).toBe(1)
    expect(error).toMatchObject({ attempts: 1, reason: 'not-retryable' })
  })

  it('waits the Retry-After the server asked, even beyond maxDelayMs', async () => {
    const { sleep, waits } = recordingSleep()
    const infos: RetryInfo[] = []
    let calls = 0
    await withRetry(
      async () => {
        calls += 1
        if (calls === 1) throw new StatusError(429, 5_000)
      },
      {
        maxDelayMs: 100,
        sleep,
        retryAfterMs: (e) => (e as StatusError).retryAfter,
        onRetry: (info) => infos.push(info),
      },
    )
    expect(waits).toEqual([5_000])
    expect(infos).toMatchObject([{ attempt: 1, delayMs: 5_000, source: 'retry-after' }])
  })

  it('falls back to backoff for a Retry-After of zero, a negative one or none', async () => {
    for (const asked of [0, -3_000, Number.NaN, undefined]) {
      const { sleep, waits } = recordingSleep()
      let calls = 0
      await withRetry(
        async () => {
          calls += 1
          if (calls === 1) throw new StatusError(429, asked)
        },
        {
          minDelayMs: 7,
          sleep,
          random: () => 0,
          retryAfterMs: (e) => (e as StatusError).retryAfter,
        },
      )
      expect(waits).toEqual([7])
    }
  })

  it('gives up saying why when Retry-After exceeds maxRetryAfterMs', async () => {
    const { sleep, waits } = recordingSleep()
    const error = await withRetry(
      async () => {
        throw new StatusError(503, 120_000)
      },
      { sleep, retryAfterMs: (e) => (e as StatusError).retryAfter },
    ).catch((e: unknown) => e)
    expect(waits).toEqual([])
    expect(error).toMatchObject({ attempts: 1, reason: 'retry-after-too-long' })
    expect((error as Error).message).toContain('retry after 120 s, more than maxRetryAfterMs 60 s')
  })

  it('times an attempt out, aborts its signal, and retries', async () => {
    const { sleep } = recordingSleep()
    const signals: AbortSignal[] = []
    const result = await withRetry(
      (n, signal) => {
        signals.push(signal)
        if (n === 1) return new Promise<string>(() => undefined) // never settles
        return Promise.resolve('second')
      },
      { timeoutMs: 5, sleep },
    )
    expect(result).toBe('second')
    expect(signals[0]?.aborted).toBe(true)
    expect(signals[0]?.reason).toBeInstanceOf(AttemptTimeoutError)
    expect(signals[1]?.aborted).toBe(false)
  })

  it('rejects with the abort reason, unwrapped, when the caller aborts during a wait', async () => {
    const controller = new AbortController()
    const error = await withRetry(
      async () => {
        setTimeout(() => controller.abort(new Error('user stop')), 1)
        throw new Error('down')
      },
      { signal: controller.signal, minDelayMs: 60_000, maxDelayMs: 60_000 },
    ).catch((e: unknown) => e)
    expect((error as Error).message).toBe('user stop')
  })

  it('aborts the attempt in flight when the caller aborts', async () => {
    const controller = new AbortController()
    let attemptSignal: AbortSignal | undefined
    const pending = withRetry(
      (_, signal) => {
        attemptSignal = signal
        return new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('cancelled'))),
        )
      },
      { signal: controller.signal },
    )
    controller.abort(new Error('user stop'))
    await expect(pending).rejects.toThrow('user stop')
    expect(attemptSignal?.aborted).toBe(true)
  })
})

describe('backoffDelay', () => {
  it('draws between minDelayMs and min(maxDelayMs, minDelayMs × 2^attempt)', () => {
    const policy = { minDelayMs: 10, maxDelayMs: 100 }
    expect(backoffDelay(1, policy, () => 0)).toBe(10)
    expect(backoffDelay(1, policy, () => 0.999_999)).toBeCloseTo(20, 3)
    expect(backoffDelay(3, policy, () => 0.999_999)).toBeCloseTo(80, 3)
    expect(backoffDelay(10, policy, () => 0.999_999)).toBeCloseTo(100, 3)
    expect(backoffDelay(10, policy, () => 0.5)).toBe(55)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('reads delta seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000)
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000)
    expect(parseRetryAfter('0', now)).toBe(0)
  })

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(-60_000)
  })

  it('returns undefined for garbage or nothing', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('2026', now)).toBe(2_026_000) // digits are seconds, never a year
    expect(parseRetryAfter('Someday', now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})

describe('sleepFor', () => {
  it('rejects with the reason when the signal aborts', async () => {
    const controller = new AbortController()
    const pending = sleepFor(60_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
  })
})

describe('RateLimiter', () => {
  it('lets at most limit calls through in any rolling window', async () => {
    let clock = 0
    const waits: number[] = []
    const limiter = new RateLimiter({
      limit: 2,
      windowMs: 100,
      now: () => clock,
      sleep: (ms) => {
        waits.push(ms)
        clock += ms
        return Promise.resolve()
      },
    })
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      await limiter.acquire()
      times.push(clock)
      clock += 10
    }
    expect(times).toEqual([0, 10, 100, 110, 200])
    expect(waits).toEqual([80, 80]) // at 20 (until 100) and at 120 (until 200)
  })

  it('serves callers in order and lets an aborted one leave the queue', async () => {
    let clock = 0
    const limiter = new RateLimiter({
      limit: 1,
      windowMs: 50,
      now: () => clock,
      sleep: (ms, signal) => {
        signal?.throwIfAborted()
        clock += ms
        return Promise.resolve()
      },
    })
    const controller = new AbortController()
    controller.abort(new Error('gone'))
    const order: string[] = []
    const first = limiter.acquire().then(() => order.push('first'))
    const aborted = limiter.acquire(controller.signal).catch((e: Error) => order.push(e.message))
    const third = limiter.acquire().then(() => order.push(`third at ${clock}`))
    await Promise.all([first, aborted, third])
    expect(order).toEqual(['first', 'gone', 'third at 50'])
  })

  it('refuses a limit below one', () => {
    expect(() => new RateLimiter({ limit: 0, windowMs: 10 })).toThrow(/limit must be at least 1/)
  })
})

describe('RateLimiter corrected by the server', () => {
  /** A limiter on a fake clock whose sleeps move the clock. */
  function onFakeClock(
    limit: number,
    windowMs: number,
  ): {
    limiter: RateLimiter
    clock: { now: number }
  } {
    const clock = { now: 0 }
    const limiter = new RateLimiter({
      limit,
      windowMs,
      now: () => clock.now,
      sleep: (ms) => {
        clock.now += ms
        return Promise.resolve()
      },
    })
    return { limiter, clock }
  }

  /** The most starts inside any window of `windowMs` (a window is [t, t + windowMs)). */
  function busiestWindow(starts: readonly number[], windowMs: number): number {
    let most = 0
    for (const from of starts)
      most = Math.max(most, starts.filter((at) => at >= from && at < from + windowMs).length)
    return most
  }

  it('never lets more than limit calls start in any window, whatever the arrival times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 }),
        async (limit, windowMs, gaps) => {
          const { limiter, clock } = onFakeClock(limit, windowMs)
          const starts: number[] = []
          for (const gap of gaps) {
            clock.now += gap
            await limiter.acquire()
            starts.push(clock.now)
          }
          expect(busiestWindow(starts, windowMs)).toBeLessThanOrEqual(limit)
        },
      ),
    )
  })

  it('takes a new limit and window from the server', async () => {
    const { limiter, clock } = onFakeClock(10, 100)
    limiter.adjust({ limit: 2, windowMs: 1000 })
    expect(limiter.current).toEqual({ limit: 2, windowMs: 1000 })
    const starts: number[] = []
    for (let i = 0; i < 3; i++) {
      await limiter.acquire()
      starts.push(clock.now)
    }
    expect(starts).toEqual([0, 0, 1000])
  })

  it('waits when the server has fewer calls left than the limiter thought', async () => {
    const { limiter, clock } = onFakeClock(5, 100)
    await limiter.acquire()
    // Another client used the quota: the server has one call left in this window.
    limiter.adjust({ remaining: 1 })
    await limiter.acquire()
    expect(clock.now).toBe(0)
    await limiter.acquire()
    expect(clock.now).toBe(100)
  })

  it('lowers the limit below the calls already in the window without letting one more through', async () => {
    const { limiter, clock } = onFakeClock(4, 100)
    for (let i = 0; i < 4; i++) await limiter.acquire()
    clock.now = 10
    limiter.adjust({ limit: 2 })
    await limiter.acquire()
    // Two of the four starts at 0 must leave the window: at 100 all four have.
    expect(clock.now).toBe(100)
  })

  it('ignores values that are missing, not numbers or out of range', () => {
    const { limiter } = onFakeClock(3, 100)
    limiter.adjust({ limit: Number.NaN, windowMs: -1, remaining: Number.NaN })
    limiter.adjust({ limit: 0 })
    expect(limiter.current).toEqual({ limit: 3, windowMs: 100 })
  })
})

describe('RateLimiter.acquireUntilDone', () => {
  it('counts a call from when it ends, and a call in flight until then', async () => {
    let clock = 0
    const limiter = new RateLimiter({
      limit: 2,
      windowMs: 100,
      now: () => clock,
      sleep: (ms) => {
        clock += ms
        return Promise.resolve()
      },
    })
    const first = await limiter.acquireUntilDone()
    const second = await limiter.acquireUntilDone()
    let third = false
    const waiting = limiter.acquireUntilDone().then((done) => {
      third = true
      return done
    })
    await new Promise((resolve) => setImmediate(resolve))
    // Both calls are still in flight: no time passing lets a third one through.
    expect(third).toBe(false)
    clock = 40
    first()
    first() // ending twice counts once
    await waiting
    // The first call ended at 40, so the third may start only when it leaves the window.
    expect(clock).toBe(140)
    second()
  })

  it('lets a caller waiting for a call in flight leave when its signal aborts', async () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 100 })
    await limiter.acquireUntilDone()
    const controller = new AbortController()
    const waiting = limiter.acquireUntilDone(controller.signal)
    controller.abort(new Error('gone'))
    await expect(waiting).rejects.toThrow('gone')
  })
})

describe('timers longer than setTimeout holds', () => {
  /** Collects TimeoutOverflowWarnings emitted while `body` runs. */
  async function overflowWarnings(body: () => Promise<void>): Promise<string[]> {
    const seen: string[] = []
    const listener = (warning: Error): void => {
      if (warning.name === 'TimeoutOverflowWarning') seen.push(warning.message)
    }
    process.on('warning', listener)
    try {
      await body()
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', listener)
    }
    return seen
  }

  it('treats timeoutMs: Infinity as no time limit instead of failing every attempt at once', async () => {
    const warnings = await overflowWarnings(async () => {
      const result = await withRetry(
        async (_n, signal) => {
          await sleepFor(20, signal)
          return 'answered'
        },
        { timeoutMs: Number.POSITIVE_INFINITY, retries: 0 },
      )
      expect(result).toBe('answered')
    })
    expect(warnings).toEqual([])
  })

  it('keeps a time limit above 2^31 - 1 ms as a long one', async () => {
    const warnings = await overflowWarnings(async () => {
      const result = await withRetry(
        async (_n, signal) => {
          await sleepFor(20, signal)
          return 'answered'
        },
        { timeoutMs: 2 ** 33, retries: 0 },
      )
      expect(result).toBe('answered')
    })
    expect(warnings).toEqual([])
  })

  it('waits a Retry-After above 2^31 - 1 ms for real, not 1 ms', async () => {
    const controller = new AbortController()
    let attempts = 0
    const warnings = await overflowWarnings(async () => {
      const running = withRetry(
        async () => {
          attempts += 1
          throw new StatusError(429, 30 * 24 * 3600 * 1000)
        },
        {
          maxRetryAfterMs: Number.POSITIVE_INFINITY,
          retryAfterMs: (error) => (error as StatusError).retryAfter,
          signal: controller.signal,
        },
      )
      running.catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, 50))
      controller.abort(new Error('stopped by the test'))
      await expect(running).rejects.toThrow('stopped by the test')
    })
    expect(attempts).toBe(1)
    expect(warnings).toEqual([])
  })

  it('sleepFor(Infinity) waits until aborted', async () => {
    const controller = new AbortController()
    let woke = false
    const sleeping = sleepFor(Number.POSITIVE_INFINITY, controller.signal).then(() => {
      woke = true
    })
    sleeping.catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(woke).toBe(false)
    controller.abort(new Error('enough'))
    await expect(sleeping).rejects.toThrow('enough')
  })
})

describe('withRetry, in a toWebhook run that is aborted', () => {
  const timers = (): number => activeResources()['Timeout'] ?? 0
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powerflow-retry-'))
  })

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('clears the backoff timer of toWebhook retries when the run is aborted mid-backoff', async () => {
    const server = await startFlakyServer(() => ({ kind: 'respond', status: 503 }))
    const before = timers()
    const controller = new AbortController()
    const run = settle(
      pipe(
        fromGenerator([{ id: 1 }]),
        toWebhook(`${server.origin}/hook`, {
          retries: 5,
          minDelayMs: 60_000,
          maxDelayMs: 60_000,
          signal: controller.signal,
        }),
      ),
    )
    await eventually(() => server.requests.length >= 1)
    await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const { report } = await run
    await server.close()
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    expect(timers()).toBeLessThanOrEqual(before)
  })

  it('lets toWebhook release its sockets and timers when aborted with requests in flight', async () => {
    const server = await startFlakyServer(() => ({ kind: 'respond', status: 200, delayMs: 10_000 }))
    const before = activeResources()
    const controller = new AbortController()
    const dead = join(dir, 'abort-dead.ndjson')
    const run = settle(
      pipe(
        fromGenerator(Array.from({ length: 50 }, (_, id) => ({ id }))),
        deadLetter(toJson(dead, { format: 'ndjson', fsync: false })),
        toWebhook(`${server.origin}/hook`, { concurrency: 3, signal: controller.signal }),
      ),
    )
    await eventually(() => server.requests.length >= 3)
    controller.abort()
    const { report, error } = await run
    expect(error?.name).toBe('AbortError')
    expect(report.status).toBe('aborted')
    expectBalanced(report)
    expect(report.written).toBe(0)
    expect(report.droppedByReason['aborted']).toBe(50)
    await server.close()
    await eventually(
      () => (activeResources()['TCPSocketWrap'] ?? 0) <= (before['TCPSocketWrap'] ?? 0),
    )
    const after = activeResources()
    expect(after['TCPSocketWrap'] ?? 0).toBeLessThanOrEqual(before['TCPSocketWrap'] ?? 0)
    expect(after['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0)
  })
})
