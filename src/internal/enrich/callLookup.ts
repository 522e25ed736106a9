/**
 * Calling one of `enrich`'s lookups, whatever it returns: a value, a promise, or an Observable
 * (its first value), once or through the core retry module.
 *
 * @internal
 * @packageDocumentation
 */
import { isObservable, take } from 'rxjs'
import {
  withRetry,
  RetryExhaustedError,
  type RetryGiveUpReason,
  type RetryOptions,
} from '../retry.js'

/** What a lookup came to: a value (possibly `null`/`undefined`: no match) or an error. @internal */
export type LookupOutcome =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false
      /** What to say: for a retried call, the retry module's summary with the attempts. */
      readonly error: unknown
      readonly attempts: number
      /** The underlying error of the last attempt, when `error` is a summary. */
      readonly cause?: unknown
      /** Why the retries stopped, when they did (`not-retryable`: a permanent failure). */
      readonly gaveUp?: RetryGiveUpReason
      /** Answered from the cache: the failure of an earlier lookup for the same key. */
      readonly cached?: boolean
    }

/** A running call: `sync` when it finished before returning; `cancel` stops it. @internal */
export interface LookupCall {
  readonly sync: boolean
  readonly cancel: () => void
}

const NOTHING_TO_CANCEL = (): void => undefined

/**
 * Calls `lookup` once. `done` is called exactly once, unless the call is cancelled first —
 * synchronously for a plain value or a synchronous Observable, later for a promise or an
 * asynchronous Observable. An Observable that completes empty counts as no match.
 *
 * @internal
 */
export function callOnce(
  lookup: (signal: AbortSignal) => unknown,
  signal: AbortSignal,
  done: (outcome: LookupOutcome) => void,
): LookupCall {
  let finished = false
  const finish = (outcome: LookupOutcome): void => {
    if (finished) return
    finished = true
    done(outcome)
  }
  let result: unknown
  try {
    result = lookup(signal)
  } catch (error) {
    finish({ ok: false, error, attempts: 1 })
    return { sync: true, cancel: NOTHING_TO_CANCEL }
  }
  if (isObservable(result)) {
    const subscription = result.pipe(take(1)).subscribe({
      next: (value) => finish({ ok: true, value }),
      error: (error: unknown) => finish({ ok: false, error, attempts: 1 }),
      complete: () => finish({ ok: true, value: undefined }),
    })
    return {
      sync: finished,
      cancel: () => {
        finished = true
        subscription.unsubscribe()
      },
    }
  }
  if (isPromiseLike(result)) {
    result.then(
      (value) => finish({ ok: true, value }),
      (error: unknown) => finish({ ok: false, error, attempts: 1 }),
    )
    return {
      sync: false,
      cancel: () => {
        finished = true
      },
    }
  }
  finish({ ok: true, value: result })
  return { sync: true, cancel: NOTHING_TO_CANCEL }
}

/**
 * Calls `lookup` through {@link withRetry}: each attempt gets its own signal (aborted on its
 * timeout or on cancel), and a final failure reports how many attempts were made.
 *
 * @internal
 */
export function callWithRetry(
  lookup: (signal: AbortSignal) => unknown,
  policy: RetryOptions,
  done: (outcome: LookupOutcome) => void,
): LookupCall {
  const controller = new AbortController()
  withRetry(
    (_attempt, signal) =>
      new Promise<unknown>((resolve, reject) => {
        const call = callOnce(lookup, signal, (outcome) => {
          if (outcome.ok) resolve(outcome.value)
          else reject(outcome.error)
        })
        if (!call.sync) signal.addEventListener('abort', call.cancel, { once: true })
      }),
    { ...policy, signal: controller.signal },
  ).then(
    (value) => {
      if (!controller.signal.aborted) done({ ok: true, value })
    },
    (error: unknown) => {
      if (controller.signal.aborted) return
      if (error instanceof RetryExhaustedError)
        done({
          ok: false,
          error,
          attempts: error.attempts,
          cause: error.cause,
          gaveUp: error.reason,
        })
      else done({ ok: false, error, attempts: 1 })
    },
  )
  return { sync: false, cancel: () => controller.abort() }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
