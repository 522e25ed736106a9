/**
 * The machinery of `enrich`: bounded concurrent lookups, output in input order (or as results
 * arrive), a cache shared by records with the same key, retries and timeouts through the core
 * retry module, and a ledger that adds up — records waiting for their lookup stay open in the
 * run's budget, which is what bounds memory.
 *
 * It does not use `stageOperator`: in order mode failures wait their turn behind earlier records,
 * and the output completes synchronously after the last lookup, so marble tests see the timing
 * as it is.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable } from 'rxjs'
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, describeError, type Failure, type Location } from '../../core/Failure.js'
import type { EnrichReport } from '../../core/EnrichReport.js'
import type { Flow, Operator } from '../../core/Flow.js'
import { currentRun, type RunContext } from '../RunContext.js'
import { depthOf, withDepth } from '../depth.js'
import { LruCache } from '../lruCache.js'
import { RateLimiter, statusFromError, type RetryOptions } from '../retry.js'
import { callOnce, callWithRetry, type LookupCall, type LookupOutcome } from './callLookup.js'

/** @internal */
export interface EnrichConfig<A, B> {
  readonly name: string
  /** Starts the lookup of one record; may return a value, a promise or an Observable. */
  readonly lookup: (record: A, signal: AbortSignal) => unknown
  readonly concurrency: number
  readonly ordered: boolean
  /** What to do with a record the lookup found nothing for (enrich's `OnMissing`). */
  readonly onMissing: 'keep' | 'drop' | 'fail'
  /** Says why a record has no match, for `onMissing: 'fail'` (`no match for AccountId "7"`). */
  readonly noMatch: (record: A) => { readonly reason: string; readonly field?: string }
  /** Builds the output record from the input and what the lookup found. */
  readonly merge: (record: A, found: object) => B
  readonly cache?: {
    readonly key: (record: A) => string
    readonly maxEntries: number
    readonly ttlMs?: number
    /** How long a miss is remembered (default `ttlMs`): no match, or a permanent failure. */
    readonly missTtlMs?: number
    readonly now?: () => number
  }
  /** Retries and timeouts; without it a lookup is called once, synchronously when it can be. */
  readonly retry?: RetryOptions
  /** At most `limit` calls of the lookup in any `windowMs` (through the shared rate limiter). */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number }
  /** Adds an entry to the report's `enrich` section with this stage's calls, retries and cache. */
  readonly report?: boolean
  /**
   * Work to finish, once per subscription, before the first lookup (loading a table): it resolves
   * to the lookup this subscription uses instead of `lookup`. A rejection errors the output with
   * the error `prepareError` makes.
   */
  readonly prepare?: (
    signal: AbortSignal,
    run: RunContext,
  ) => Promise<(record: A, signal: AbortSignal) => unknown>
  readonly prepareError?: (cause: unknown) => Error
}

/** How many emptied places a queue may have at its head before they are cut off. */
const COMPACT_AFTER = 1024

/** One record (or a failure, in order mode) on its way through. */
interface Slot<A> {
  readonly record: A
  readonly passing?: Failure
  outcome: LookupOutcome | undefined
  /** Where the record came from (the source's file and line), for its failures. */
  location?: Location | undefined
}

/** The statuses that say a key has nothing to find: a lookup failing with one is a miss. */
const MISS_STATUSES = new Set([404, 410])

/**
 * Whether a failed lookup is permanent, so its key may be remembered as a miss: it failed with
 * 404 or 410, or with an error the retry policy would not retry.
 */
function isPermanent(outcome: Extract<LookupOutcome, { ok: false }>): boolean {
  if (outcome.gaveUp === 'not-retryable') return true
  const status = statusFromError(outcome.cause ?? outcome.error)
  return status !== undefined && MISS_STATUSES.has(status)
}

/** Counts what a lookup stage does, for the report's `enrich` section. */
class EnrichCounters {
  calls = 0
  retries = 0
  retryAfterWaits = 0
  failedLookups = 0
  cacheHits = 0
  cacheMisses = 0
  cachedMissHits = 0
  constructor(readonly name: string) {}

  toReport(): EnrichReport {
    return {
      name: this.name,
      calls: this.calls,
      retries: this.retries,
      retryAfterWaits: this.retryAfterWaits,
      failedLookups: this.failedLookups,
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      cachedMissHits: this.cachedMissHits,
    }
  }
}

/** Adds a stage's counters to the report's `enrich` section (made on first use). */
function reportIn(run: RunContext, counters: EnrichCounters): void {
  let list = listsOf.get(run)
  if (list === undefined) {
    const made: EnrichCounters[] = []
    list = made
    listsOf.set(run, made)
    Object.defineProperty(run.sections, 'enrich', {
      enumerable: true,
      configurable: true,
      get: (): EnrichReport[] => made.map((each) => each.toReport()),
    })
  }
  list.push(counters)
}
const listsOf = new WeakMap<RunContext, EnrichCounters[]>()

/** @internal */
export function enrichOperator<A, B>(config: EnrichConfig<A, B>): Operator<A, B> {
  // enrich checked it (a whole number of at least 1) when the operator was made.
  const concurrency = config.concurrency
  return (input: Flow<A>): Flow<B> => {
    const output = new Observable<Either<Failure, B>>((subscriber) => {
      const run = currentRun()
      const stats = run.stage(config.name, 'operator', depthOf(input) + 1)
      const cache =
        config.cache === undefined
          ? undefined
          : new LruCache<LookupOutcome>({
              maxEntries: config.cache.maxEntries,
              ...(config.cache.ttlMs === undefined ? {} : { ttlMs: config.cache.ttlMs }),
              ...(config.cache.now === undefined ? {} : { now: config.cache.now }),
            })
      /** In order mode: every slot from the oldest not yet emitted on. */
      const queue: Array<Slot<A>> = []
      let queueHead = 0
      /** Records waiting for a free lookup (or for `prepare`). */
      const waiting: Array<Slot<A>> = []
      let waitingHead = 0
      /** Records sharing the lookup in flight for their cache key. */
      const sharing = new Map<string, Array<Slot<A>>>()
      /** Lookups in flight, with whether each counts as work for the run. */
      const active = new Set<{
        call: LookupCall | undefined
        working: boolean
        abort: AbortController
      }>()
      const counters = new EnrichCounters(config.name)
      if (config.report === true) reportIn(run, counters)
      const missTtlMs = config.cache?.missTtlMs ?? config.cache?.ttlMs
      const limiter = config.rateLimit === undefined ? undefined : new RateLimiter(config.rateLimit)
      const retry: RetryOptions | undefined =
        config.retry === undefined
          ? undefined
          : {
              ...config.retry,
              onRetry: (info) => {
                counters.retries += 1
                if (info.source === 'retry-after') counters.retryAfterWaits += 1
                config.retry?.onRetry?.(info)
              },
            }
      let lookupNow = config.lookup
      let ready = config.prepare === undefined
      let inputDone = false
      let closed = false
      const prepareController = new AbortController()

      const emitFor = (slot: Slot<A>): void => {
        if (slot.passing !== undefined) {
          subscriber.next(left(slot.passing))
          return
        }
        const outcome = slot.outcome as LookupOutcome
        const record = slot.record
        const at = slot.location === undefined ? {} : { location: slot.location }
        if (!outcome.ok) {
          stats.failed += 1
          subscriber.next(
            left(
              failure('TransformError', {
                stage: config.name,
                reason: `lookup failed: ${describeError(outcome.error)}`,
                cause: outcome.cause ?? outcome.error,
                record,
                ...at,
                details: {
                  attempts: outcome.attempts,
                  ...(outcome.cached === true ? { cached: true } : {}),
                },
              }),
            ),
          )
          return
        }
        const found = outcome.value
        if (found === undefined || found === null) {
          if (config.onMissing === 'keep') {
            stats.out += 1
            subscriber.next(right(record as unknown as B))
          } else if (config.onMissing === 'drop') {
            stats.dropped += 1
            run.settle('dropped', 1, 'unmatched')
          } else {
            const { reason, field } = config.noMatch(record)
            stats.failed += 1
            subscriber.next(
              left(
                failure('TransformError', {
                  stage: config.name,
                  reason,
                  record,
                  ...(field === undefined && slot.location === undefined
                    ? {}
                    : {
                        location: { ...slot.location, ...(field === undefined ? {} : { field }) },
                      }),
                }),
              ),
            )
          }
          return
        }
        if (typeof found !== 'object') {
          stats.failed += 1
          subscriber.next(
            left(
              failure('TransformError', {
                stage: config.name,
                reason: `the lookup returned ${describeError(found)} (a ${typeof found}); expected an object of fields to merge`,
                record,
                ...at,
              }),
            ),
          )
          return
        }
        let merged: B
        try {
          merged = config.merge(record, found)
        } catch (error) {
          stats.failed += 1
          subscriber.next(
            left(
              failure('TransformError', {
                stage: config.name,
                reason: describeError(error),
                cause: error,
                record,
                ...at,
              }),
            ),
          )
          return
        }
        stats.out += 1
        subscriber.next(right(merged))
      }

      const flush = (): void => {
        while (queueHead < queue.length && !closed) {
          const slot = queue[queueHead] as Slot<A>
          if (slot.passing === undefined && slot.outcome === undefined) break
          queue[queueHead] = undefined as unknown as Slot<A>
          queueHead += 1
          emitFor(slot)
        }
        if (queueHead > COMPACT_AFTER && queueHead * 2 > queue.length) {
          queue.splice(0, queueHead)
          queueHead = 0
        }
      }

      const finish = (slot: Slot<A>, outcome: LookupOutcome): void => {
        slot.outcome = outcome
        if (config.ordered) flush()
        else emitFor(slot)
      }

      /** Keeps a lookup's outcome for its key: a match for `ttlMs`, a miss for `missTtlMs`. */
      const remember = (key: string, outcome: LookupOutcome): void => {
        if (cache === undefined) return
        if (outcome.ok) {
          const nothing = outcome.value === undefined || outcome.value === null
          if (nothing && missTtlMs !== undefined) cache.set(key, outcome, missTtlMs)
          else cache.set(key, outcome)
        } else if (isPermanent(outcome)) {
          // A transient failure (a timeout, a 503) is never remembered: the next record tries again.
          const { cached: _, ...kept } = outcome
          if (missTtlMs !== undefined) cache.set(key, kept, missTtlMs)
          else cache.set(key, kept)
        }
      }

      const maybeComplete = (): void => {
        if (closed || !inputDone || !ready || active.size > 0) return
        if (waitingHead < waiting.length || queueHead < queue.length) return
        closed = true
        run.finishStage(stats)
        subscriber.complete()
      }

      const launch = (slot: Slot<A>, key: string | undefined): void => {
        const abort = new AbortController()
        const entry = { call: undefined as LookupCall | undefined, working: false, abort }
        active.add(entry)
        if (key !== undefined) sharing.set(key, [slot])
        const done = (outcome: LookupOutcome): void => {
          if (closed) return
          active.delete(entry)
          if (entry.working) run.endWork()
          const slots = key === undefined ? [slot] : (sharing.get(key) ?? [slot])
          if (!outcome.ok) counters.failedLookups += 1
          if (key !== undefined) {
            sharing.delete(key)
            remember(key, outcome)
          }
          for (const each of slots) finish(each, outcome)
          pump()
          maybeComplete()
        }
        const callLookup = (signal: AbortSignal): unknown => {
          counters.calls += 1
          return lookupNow(slot.record, signal)
        }
        const lookup =
          limiter === undefined
            ? callLookup
            : (signal: AbortSignal): unknown =>
                limiter.acquire(signal).then(() => callLookup(signal))
        const call =
          retry === undefined
            ? callOnce(lookup, abort.signal, done)
            : callWithRetry(lookup, retry, done)
        entry.call = call
        // The lookup itself stopped the run (an abort, a fail-fast): teardown ran before the call
        // could be cancelled, so cancel it now, or it runs on (and its timers with it).
        if (closed) call.cancel()
        if (!call.sync && active.has(entry)) {
          entry.working = true
          run.beginWork()
        }
      }

      /**
       * Answers the record from the cache, joins it to the lookup in flight for its key, or starts
       * its lookup when `mayLaunch` and a lookup is free; returns false when it has to wait.
       */
      const start = (slot: Slot<A>, mayLaunch: boolean): boolean => {
        let key: string | undefined
        if (cache !== undefined && config.cache !== undefined) {
          try {
            key = config.cache.key(slot.record)
          } catch (error) {
            finish(slot, { ok: false, error, attempts: 1 })
            return true
          }
          const hit = cache.get(key)
          if (hit !== undefined) {
            counters.cacheHits += 1
            const remembered = hit.value
            if (!remembered.ok || remembered.value === undefined || remembered.value === null)
              counters.cachedMissHits += 1
            finish(slot, remembered.ok ? remembered : { ...remembered, cached: true })
            return true
          }
          const others = sharing.get(key)
          if (others !== undefined) {
            counters.cacheHits += 1
            others.push(slot)
            return true
          }
        }
        if (!mayLaunch || !ready || active.size >= concurrency) return false
        if (key !== undefined) counters.cacheMisses += 1
        launch(slot, key)
        return true
      }

      /** Starts waiting records while lookups are free. Not re-entered by synchronous lookups. */
      let pumping = false
      const pump = (): void => {
        if (pumping) return
        pumping = true
        try {
          while (waitingHead < waiting.length && !closed) {
            const slot = waiting[waitingHead] as Slot<A>
            waiting[waitingHead] = undefined as unknown as Slot<A>
            waitingHead += 1
            if (!start(slot, true)) {
              waitingHead -= 1
              waiting[waitingHead] = slot
              break
            }
          }
          if (waitingHead === waiting.length) {
            waiting.length = 0
            waitingHead = 0
          } else if (waitingHead > COMPACT_AFTER && waitingHead * 2 > waiting.length) {
            // A lookup that never catches up keeps records waiting for the whole run.
            waiting.splice(0, waitingHead)
            waitingHead = 0
          }
        } finally {
          pumping = false
        }
      }

      if (config.prepare !== undefined) {
        run.beginWork()
        config.prepare(prepareController.signal, run).then(
          (prepared) => {
            run.endWork()
            if (closed) return
            lookupNow = prepared
            ready = true
            pump()
            maybeComplete()
          },
          (error: unknown) => {
            run.endWork()
            if (closed) return
            closed = true
            subscriber.error(config.prepareError?.(error) ?? error)
          },
        )
      }

      const subscription = input.subscribe({
        next(value) {
          if (closed) return
          if (isLeft(value)) {
            if (config.ordered && queueHead < queue.length)
              queue.push({ record: undefined as A, passing: value.left, outcome: undefined })
            else subscriber.next(value)
            return
          }
          stats.in += 1
          // The record is the source's current one only now: remember where it came from.
          const slot: Slot<A> = {
            record: value.right,
            outcome: undefined,
            location: run.locationOf(value.right),
          }
          if (config.ordered) queue.push(slot)
          if (!start(slot, waitingHead === waiting.length)) waiting.push(slot)
        },
        error(error: unknown) {
          subscriber.error(error)
        },
        complete() {
          inputDone = true
          maybeComplete()
        },
      })

      return () => {
        closed = true
        subscription.unsubscribe()
        prepareController.abort()
        for (const entry of active) {
          entry.abort.abort()
          entry.call?.cancel()
          if (entry.working) run.endWork()
        }
        active.clear()
        sharing.clear()
        waiting.length = 0
        queue.length = 0
        run.finishStage(stats)
      }
    })
    return withDepth(output, depthOf(input) + 1)
  }
}
