/**
 * Retries, once for the whole library: exponential backoff with full jitter, `Retry-After`,
 * per-attempt timeouts and an overall abort signal. Used by `enrich`, the webhook sink, the HTTP
 * source and every integration; none of them writes its own.
 *
 * @internal
 * @packageDocumentation
 */

/** How often and how patiently to retry. @internal */
export interface RetryPolicy {
  /** Retries after the first attempt: at most `retries + 1` attempts (default 3). */
  readonly retries?: number
  /** The smallest backoff delay, and the base of the exponential growth (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). Does not cut a `Retry-After`. */
  readonly maxDelayMs?: number
  /** The longest `Retry-After` honoured (default 60 s); a longer one fails saying why. */
  readonly maxRetryAfterMs?: number
  /** A time limit for each attempt (default: none; `Infinity`: none). */
  readonly timeoutMs?: number
}

/** What `onRetry` is told before each wait. @internal */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  readonly attempt: number
  /** How long the wait before the next attempt is. */
  readonly delayMs: number
  /** Where the delay came from: the server's `Retry-After`, or backoff. */
  readonly source: 'retry-after' | 'backoff'
  /** The error of the failed attempt. */
  readonly error: unknown
}

/** What {@link withRetry} accepts besides the policy. @internal */
export interface RetryOptions extends RetryPolicy {
  /** Whether an error is worth another attempt (default: every error is). */
  readonly isRetryable?: (error: unknown) => boolean
  /** The delay the server asked for, in ms (from `Retry-After`), if any. */
  readonly retryAfterMs?: (error: unknown) => number | undefined
  /** Aborts the whole operation: the attempt in flight and any wait. */
  readonly signal?: AbortSignal
  /** Called before each wait. */
  readonly onRetry?: (info: RetryInfo) => void
  /** A number in [0, 1) (default Math.random); inject a seeded one in tests. */
  readonly random?: () => number
  /** Waits `ms` or rejects when `signal` aborts; inject an instant one in tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** The defaults of a {@link RetryPolicy}. @internal */
export const RETRY_DEFAULTS = {
  retries: 3,
  minDelayMs: 100,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
} as const

/** Only the policy fields of `options` (which may be a stage's whole options object). @internal */
export function retryPolicyOf(options: RetryPolicy): RetryPolicy {
  return {
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.minDelayMs === undefined ? {} : { minDelayMs: options.minDelayMs }),
    ...(options.maxDelayMs === undefined ? {} : { maxDelayMs: options.maxDelayMs }),
    ...(options.maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs: options.maxRetryAfterMs }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  }
}

/** Why {@link withRetry} gave up. @internal */
export type RetryGiveUpReason = 'exhausted' | 'not-retryable' | 'retry-after-too-long'

/**
 * The error {@link withRetry} rejects with when it gives up: it carries the number of `attempts`
 * made, the last error as `cause`, and the `reason` (retries exhausted, an error not worth
 * retrying, or a `Retry-After` longer than allowed). An abort is not wrapped: the signal's reason
 * is thrown as is.
 *
 * @internal
 */
export class RetryExhaustedError extends Error {
  override readonly name: string = 'RetryExhaustedError'
  constructor(
    message: string,
    readonly attempts: number,
    readonly reason: RetryGiveUpReason,
    override readonly cause: unknown,
  ) {
    super(message, { cause })
  }
}

/** An attempt took longer than `timeoutMs`. Retryable. @internal */
export class AttemptTimeoutError extends Error {
  override readonly name: string = 'AttemptTimeoutError'
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`)
  }
}

/**
 * Runs `attempt` until it succeeds, an error is not retryable, the retries are used up, or the
 * signal aborts. Each attempt gets its number (1-based) and a signal that aborts on the caller's
 * signal or the attempt's timeout.
 *
 * Between attempts it waits what the server asked (`retryAfterMs` of the error, when > 0 and at
 * most `maxRetryAfterMs`) or else a backoff delay with full jitter ({@link backoffDelay}).
 * `retries: NaN` rejects with a RangeError before the first attempt.
 *
 * @internal
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number, signal: AbortSignal) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  // NaN (an unset environment variable, say) would compare false with every attempt number and
  // retry for ever.
  if (Number.isNaN(options.retries))
    throw new RangeError(`retries must be a number of at least 0 (got ${options.retries})`)
  const retries = Math.max(0, options.retries ?? RETRY_DEFAULTS.retries)
  const maxRetryAfterMs = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs
  const random = options.random ?? Math.random
  const sleep = options.sleep ?? sleepFor
  const isRetryable = options.isRetryable ?? (() => true)
  const signal = options.signal
  for (let attemptNumber = 1; ; attemptNumber++) {
    signal?.throwIfAborted()
    let error: unknown
    try {
      return await runAttempt(attempt, attemptNumber, options.timeoutMs, signal)
    } catch (caught) {
      if (signal?.aborted === true) throw signal.reason
      error = caught
    }
    const said = describe(error)
    if (!isRetryable(error)) {
      throw new RetryExhaustedError(
        `${said} (not retried, attempt ${attemptNumber})`,
        attemptNumber,
        'not-retryable',
        error,
      )
    }
    if (attemptNumber > retries) {
      throw new RetryExhaustedError(
        `${said} (gave up after ${attemptNumber} attempt${attemptNumber === 1 ? '' : 's'})`,
        attemptNumber,
        'exhausted',
        error,
      )
    }
    const asked = options.retryAfterMs?.(error)
    let delayMs: number
    let source: RetryInfo['source']
    if (asked !== undefined && Number.isFinite(asked) && asked > 0) {
      if (asked > maxRetryAfterMs) {
        throw new RetryExhaustedError(
          `${said} (the server asked to retry after ${formatMs(asked)}, more than maxRetryAfterMs ${formatMs(maxRetryAfterMs)}; gave up after ${attemptNumber} attempt${attemptNumber === 1 ? '' : 's'})`,
          attemptNumber,
          'retry-after-too-long',
          error,
        )
      }
      delayMs = asked
      source = 'retry-after'
    } else {
      delayMs = backoffDelay(attemptNumber, options, random)
      source = 'backoff'
    }
    options.onRetry?.({ attempt: attemptNumber, delayMs, source, error })
    await sleep(delayMs, signal)
  }
}

/**
 * The backoff delay after failed attempt number `attempt` (1-based), with full jitter: uniform
 * between `minDelayMs` and `min(maxDelayMs, minDelayMs × 2^attempt)`.
 *
 * @internal
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy = {},
  random: () => number = Math.random,
): number {
  const min = Math.max(0, policy.minDelayMs ?? RETRY_DEFAULTS.minDelayMs)
  const max = Math.max(min, policy.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs)
  const ceiling = Math.min(max, min * 2 ** Math.max(0, attempt))
  return min + random() * (ceiling - min)
}

const DAY_NAME = /^\s*(mon|tue|wed|thu|fri|sat|sun)/i
const DELTA_SECONDS = /^\s*-?\d+(\.\d+)?\s*$/

/**
 * Reads a `Retry-After` header value as a delay in milliseconds: delta seconds (`120`) or an
 * HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, relative to `nowMs`). Returns `undefined` when the
 * value is missing or unparseable; a zero or negative delay (a date in the past) is returned as is
 * and {@link withRetry} falls back to backoff for it.
 *
 * @internal
 */
export function parseRetryAfter(
  value: string | readonly string[] | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : (value as string | null | undefined)
  if (text === undefined || text === null) return undefined
  if (DELTA_SECONDS.test(text)) return Number(text) * 1000
  if (!DAY_NAME.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isFinite(at) ? at - nowMs : undefined
}

/**
 * The delay an error says the server asked for, in ms, from the shapes HTTP clients give their
 * errors: a `retryAfterMs` number, or a `Retry-After` header in `error.headers` or
 * `error.response.headers` (a fetch `Headers`, or a plain object as axios and got give). For
 * lookups written by users, whose errors PowerFlow did not make.
 *
 * @internal
 */
export function retryAfterFromError(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const own = (error as { retryAfterMs?: unknown }).retryAfterMs
  if (typeof own === 'number') return own
  const response = (error as { response?: unknown }).response
  for (const holder of [error, response]) {
    if (holder === null || typeof holder !== 'object') continue
    const value = headerOf((holder as { headers?: unknown }).headers, 'retry-after')
    if (value !== undefined) return parseRetryAfter(value)
  }
  return undefined
}

/**
 * The HTTP status an error carries, from the shapes HTTP clients give their errors: `status`,
 * `statusCode`, or `response.status`.
 *
 * @internal
 */
export function statusFromError(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const { status, statusCode, response } = error as {
    status?: unknown
    statusCode?: unknown
    response?: { status?: unknown } | null
  }
  for (const value of [status, statusCode, response?.status])
    if (typeof value === 'number' && Number.isInteger(value)) return value
  return undefined
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value: unknown = (headers as { get: (name: string) => unknown }).get(name)
    return typeof value === 'string' ? value : undefined
  }
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value)
  return undefined
}

/**
 * The longest delay `setTimeout` honours: above it (2^31 − 1 ms, about 24.8 days) Node fires the
 * timer after 1 ms with a TimeoutOverflowWarning.
 *
 * @internal
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Calls `fire` after `ms` milliseconds, however long that is: a delay above {@link MAX_TIMER_MS}
 * is waited in several timers, and `Infinity` never fires. Negative, zero or NaN delays fire at the
 * next turn of the timer queue. Returns the function that cancels it.
 *
 * @internal
 */
export function startTimer(ms: number, fire: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let cancelled = false
  const wait = (left: number): void => {
    // Infinity (or more than a timer holds) is waited out in the longest steps a timer allows.
    const step = left > MAX_TIMER_MS ? MAX_TIMER_MS : Math.max(0, left) || 0
    timer = setTimeout(() => {
      if (cancelled) return
      if (left > MAX_TIMER_MS) wait(left - MAX_TIMER_MS)
      else fire()
    }, step)
  }
  wait(ms)
  return () => {
    cancelled = true
    if (timer !== undefined) clearTimeout(timer)
  }
}

/**
 * Waits `ms` milliseconds (any length: see {@link startTimer}); rejects with the signal's reason
 * when it aborts, clearing the timer.
 *
 * @internal
 */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error)
      return
    }
    const onAbort = (): void => {
      cancel()
      reject(signal?.reason as Error)
    }
    const cancel = startTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Options of a {@link RateLimiter}. @internal */
export interface RateLimiterOptions {
  /** At most this many acquisitions… */
  readonly limit: number
  /** …in any window of this many milliseconds. */
  readonly windowMs: number
  /** The clock (default `Date.now`); inject one in tests. */
  readonly now?: () => number
  /** Waits `ms` or rejects when `signal` aborts (default a timer). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/**
 * A rolling-window rate limiter: at most `limit` acquisitions in any `windowMs`. Callers are
 * served in the order they asked.
 *
 * @internal
 */
export class RateLimiter {
  private readonly stamps: number[] = []
  private queue: Promise<void> = Promise.resolve()
  private readonly now: () => number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** The limit in force: the options' until a server says otherwise ({@link RateLimiter.adjust}). */
  private limitNow: number
  private windowNow: number
  /** Calls let through by {@link RateLimiter.acquireUntilDone} that have not ended yet. */
  private inFlight = 0
  private doneWaiters: Array<() => void> = []

  constructor(readonly options: RateLimiterOptions) {
    if (!(options.limit >= 1) || !(options.windowMs > 0)) {
      throw new RangeError(
        `RateLimiter: limit must be at least 1 and windowMs above 0 (got ${options.limit} per ${options.windowMs} ms)`,
      )
    }
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? sleepFor
    this.limitNow = options.limit
    this.windowNow = options.windowMs
  }

  /** The limit and window in force now. */
  get current(): { readonly limit: number; readonly windowMs: number } {
    return { limit: this.limitNow, windowMs: this.windowNow }
  }

  /**
   * Corrects the limiter from what the server says about its own limit (rate-limit headers such
   * as HubSpot's `X-HubSpot-RateLimit-*`): a new `limit` per `windowMs`, and how many calls it
   * will still accept in the current window (`remaining`). When the server has fewer left than
   * the limiter thinks — other clients share the quota — the difference is counted as calls made
   * now, so the next ones wait for the window to move on. Values that are not positive finite
   * numbers (a header that is missing or garbled) are ignored.
   */
  adjust(said: {
    readonly limit?: number
    readonly windowMs?: number
    readonly remaining?: number
  }): void {
    if (said.limit !== undefined && Number.isFinite(said.limit) && said.limit >= 1)
      this.limitNow = Math.floor(said.limit)
    if (said.windowMs !== undefined && Number.isFinite(said.windowMs) && said.windowMs > 0)
      this.windowNow = said.windowMs
    if (said.remaining === undefined || !Number.isFinite(said.remaining) || said.remaining < 0)
      return
    const now = this.now()
    this.expire(now)
    const unused = this.limitNow - this.stamps.length - this.inFlight
    for (let extra = unused - Math.floor(said.remaining); extra > 0; extra--) this.stamps.push(now)
  }

  private expire(now: number): void {
    while (this.stamps.length > 0 && (this.stamps[0] as number) + this.windowNow <= now)
      this.stamps.shift()
  }

  /** Resolves when a call may go ahead; rejects with the signal's reason when it aborts. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal))
    // A caller that aborted must not block the ones behind it.
    this.queue = turn.catch(() => undefined)
    return turn
  }

  /**
   * Like {@link RateLimiter.acquire}, but the call counts from when it ends — call the returned
   * `done` then — instead of from when it starts. A server counts calls when they arrive, which
   * is somewhere between the two: so however late they arrive, it never sees more than `limit`
   * in a window. A call in flight counts until it is done.
   */
  async acquireUntilDone(signal?: AbortSignal): Promise<() => void> {
    const turn = this.queue.then(() => this.take(signal, true))
    this.queue = turn.catch(() => undefined)
    await turn
    let ended = false
    return () => {
      if (ended) return
      ended = true
      this.inFlight -= 1
      this.stamps.push(this.now())
      for (const wake of this.doneWaiters.splice(0)) wake()
    }
  }

  private async take(signal: AbortSignal | undefined, untilDone = false): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const now = this.now()
      this.expire(now)
      const used = this.stamps.length + this.inFlight
      if (used < this.limitNow) {
        if (untilDone) this.inFlight += 1
        else this.stamps.push(now)
        return
      }
      // The call that must leave the window before one more fits (the limit may have been
      // lowered below the calls already in it); calls in flight leave only after they end.
      const leaving = used - this.limitNow
      if (leaving >= this.stamps.length) {
        await this.nextDone(signal)
        continue
      }
      const oldest = this.stamps[leaving] as number
      await this.sleep(oldest + this.windowNow - now, signal)
    }
  }

  /** Resolves when a call in flight ends; rejects when the signal aborts. */
  private nextDone(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.doneWaiters = this.doneWaiters.filter((waiter) => waiter !== wake)
        reject(signal?.reason as Error)
      }
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      this.doneWaiters.push(wake)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

async function runAttempt<T>(
  attempt: (attemptNumber: number, signal: AbortSignal) => Promise<T>,
  attemptNumber: number,
  timeoutMs: number | undefined,
  outer: AbortSignal | undefined,
): Promise<T> {
  const controller = new AbortController()
  const onOuterAbort = (): void => controller.abort(outer?.reason)
  outer?.addEventListener('abort', onOuterAbort, { once: true })
  let cancelTimer: (() => void) | undefined
  let onAbort: (() => void) | undefined
  try {
    const work = attempt(attemptNumber, controller.signal)
    work.catch(() => undefined)
    // Race, so an attempt that ignores its signal outlives neither its timeout nor an abort
    // (and its timer does not keep the process alive after the run stopped).
    const ended = new Promise<never>((_, reject) => {
      onAbort = () => reject(controller.signal.reason)
      controller.signal.addEventListener('abort', onAbort, { once: true })
    })
    // Infinity means no time limit; any finite limit, however long, is kept (see startTimer).
    if (timeoutMs !== undefined && timeoutMs > 0 && timeoutMs !== Number.POSITIVE_INFINITY)
      cancelTimer = startTimer(timeoutMs, () =>
        controller.abort(new AttemptTimeoutError(timeoutMs)),
      )
    return await Promise.race([work, ended])
  } finally {
    cancelTimer?.()
    if (onAbort !== undefined) controller.signal.removeEventListener('abort', onAbort)
    outer?.removeEventListener('abort', onOuterAbort)
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`
}
