import { EMPTY, NEVER, Observable, of, Subject, throwError } from 'rxjs'
import { describe, expect, it } from 'vitest'
import {
  callOnce,
  callWithRetry,
  type LookupOutcome,
} from '../../../src/internal/enrich/callLookup.js'
import { RetryExhaustedError } from '../../../src/internal/retry.js'

/** Calls `lookup` once, recording each outcome. */
function once(lookup: (signal: AbortSignal) => unknown, signal = new AbortController().signal) {
  const outcomes: LookupOutcome[] = []
  const call = callOnce(lookup, signal, (outcome) => outcomes.push(outcome))
  return { call, outcomes }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('callOnce', () => {
  it('answers a plain value at once, null and undefined (no match) included', () => {
    for (const value of [{ id: 1 }, 0, null, undefined]) {
      const { call, outcomes } = once(() => value)
      expect(call.sync).toBe(true)
      expect(outcomes).toEqual([{ ok: true, value }])
    }
  })

  it('answers a throw at once, as a failure of one attempt', () => {
    const error = new Error('boom')
    const { call, outcomes } = once(() => {
      throw error
    })
    expect(call.sync).toBe(true)
    expect(outcomes).toEqual([{ ok: false, error, attempts: 1 }])
  })

  it('answers a promise or any thenable when it settles', async () => {
    const resolved = once(() => Promise.resolve('v'))
    const rejected = once(() => Promise.reject(new Error('no')))
    // A thenable that is not a Promise (a lookup library's own promise type).
    // eslint-disable-next-line unicorn/no-thenable
    const thenable = once(() => ({ then: (resolve: (value: string) => void) => resolve('t') }))
    expect([resolved.call.sync, rejected.call.sync, thenable.call.sync]).toEqual([
      false,
      false,
      false,
    ])
    expect(resolved.outcomes).toEqual([])
    await settle()
    expect(resolved.outcomes).toEqual([{ ok: true, value: 'v' }])
    expect(rejected.outcomes).toEqual([{ ok: false, error: new Error('no'), attempts: 1 }])
    expect(thenable.outcomes).toEqual([{ ok: true, value: 't' }])
  })

  it('takes the first value of an Observable and unsubscribes; empty is no match', () => {
    let unsubscribed = false
    const many = once(
      () =>
        new Observable<number>((subscriber) => {
          subscriber.next(1)
          subscriber.next(2)
          return () => {
            unsubscribed = true
          }
        }),
    )
    expect(many.call.sync).toBe(true)
    expect(many.outcomes).toEqual([{ ok: true, value: 1 }])
    expect(unsubscribed).toBe(true)
    expect(once(() => EMPTY).outcomes).toEqual([{ ok: true, value: undefined }])
    expect(once(() => throwError(() => 'bad')).outcomes).toEqual([
      { ok: false, error: 'bad', attempts: 1 },
    ])
    expect(once(() => of('x')).call.sync).toBe(true)
  })

  it('answers an asynchronous Observable when it emits, once', () => {
    const subject = new Subject<string>()
    const { call, outcomes } = once(() => subject)
    expect(call.sync).toBe(false)
    subject.next('a')
    subject.next('b')
    subject.complete()
    expect(outcomes).toEqual([{ ok: true, value: 'a' }])
  })

  it('never answers once cancelled, and unsubscribes from an Observable', async () => {
    const subject = new Subject<string>()
    const observed = once(() => subject)
    observed.call.cancel()
    expect(subject.observed).toBe(false)
    subject.next('late')
    const promised = once(() => Promise.resolve('late'))
    promised.call.cancel()
    await settle()
    expect([...observed.outcomes, ...promised.outcomes]).toEqual([])
  })

  it('passes the signal it is given to the lookup', () => {
    const controller = new AbortController()
    let seen: AbortSignal | undefined
    once((signal) => {
      seen = signal
      return NEVER
    }, controller.signal)
    expect(seen).toBe(controller.signal)
  })
})

describe('callWithRetry', () => {
  const instant = { sleep: () => Promise.resolve(), minDelayMs: 0 }

  /** Calls `lookup` with retries, resolving with its one outcome. */
  const retried = (lookup: (signal: AbortSignal) => unknown, policy = {}): Promise<LookupOutcome> =>
    new Promise((resolve) => callWithRetry(lookup, { ...instant, ...policy }, resolve))

  it('answers the first attempt that succeeds, whatever the lookup returns', async () => {
    let attempts = 0
    const outcome = await retried(
      () => {
        attempts++
        if (attempts === 1) throw new Error('first')
        if (attempts === 2) return Promise.reject(new Error('second'))
        if (attempts === 3) return throwError(() => new Error('third'))
        return of('found')
      },
      { retries: 3 },
    )
    expect(outcome).toEqual({ ok: true, value: 'found' })
    expect(attempts).toBe(4)
  })

  it('reports how many attempts failed, the last error and why it gave up', async () => {
    const errors = [new Error('1'), new Error('2'), new Error('3')]
    let attempt = 0
    const outcome = await retried(() => Promise.reject(errors[attempt++]), { retries: 2 })
    expect(outcome).toMatchObject({ ok: false, attempts: 3, cause: errors[2], gaveUp: 'exhausted' })
    expect(outcome.ok === false && outcome.error).toBeInstanceOf(RetryExhaustedError)
  })

  it('stops at an error not worth retrying', async () => {
    let attempts = 0
    const permanent = new Error('404')
    const outcome = await retried(
      () => {
        attempts++
        throw permanent
      },
      { retries: 5, isRetryable: (error: unknown) => error !== permanent },
    )
    expect(attempts).toBe(1)
    expect(outcome).toMatchObject({
      ok: false,
      attempts: 1,
      cause: permanent,
      gaveUp: 'not-retryable',
    })
  })

  it('gives each attempt its own signal, aborted when the attempt times out', async () => {
    const signals: AbortSignal[] = []
    const outcome = await retried(
      (signal) => {
        signals.push(signal)
        return signals.length < 2 ? NEVER : 'second'
      },
      { retries: 1, timeoutMs: 20 },
    )
    expect(outcome).toEqual({ ok: true, value: 'second' })
    expect(signals).toHaveLength(2)
    expect(signals[0]).not.toBe(signals[1])
    expect(signals[0]?.aborted).toBe(true)
  })

  it('never answers once cancelled, and aborts the attempt in flight', async () => {
    const outcomes: LookupOutcome[] = []
    let signal: AbortSignal | undefined
    const subject = new Subject<string>()
    const call = callWithRetry(
      (given) => {
        signal = given
        return subject
      },
      instant,
      (outcome) => outcomes.push(outcome),
    )
    expect(call.sync).toBe(false)
    await settle()
    call.cancel()
    await settle()
    subject.next('late')
    await settle()
    expect(signal?.aborted).toBe(true)
    expect(subject.observed).toBe(false)
    expect(outcomes).toEqual([])
  })
})
