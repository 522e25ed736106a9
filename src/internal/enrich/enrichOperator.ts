/**
 * The machinery of `enrich` (and `join`, `enrich` with a lookup table): bounded concurrent lookups
 * (a {@link ConcurrencyPool}), output in input order ({@link OrderedSlots}) or as results arrive, a
 * cache shared by records with the same key ({@link LookupCache}), retries and timeouts through
 * the core retry module. It stands on {@link operate}, as every operator does: records waiting
 * for their lookup stay open in the run's budget, which is what bounds memory, and a failure
 * names the source's file and line of its record.
 *
 * @internal
 * @packageDocumentation
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure, Location } from '../../core/Failure.js'
import type { Operator } from '../../core/Flow.js'
import { ConcurrencyPool } from '../ConcurrencyPool.js'
import { OrderedSlots, type Slot } from '../OrderedSlots.js'
import { operate, type Operation } from '../operate.js'
import { RateLimiter, type RetryOptions } from '../retry.js'
import type { StageHandle } from '../run/StageHandle.js'
import { callOnce, callWithRetry, type LookupCall, type LookupOutcome } from './callLookup.js'
import { EnrichCounters, reportEnrich } from './EnrichCounters.js'
import { enrichResult, type EnrichMerge } from './enrichResult.js'
import { LookupCache, type LookupCacheOptions } from './LookupCache.js'

/** @internal */
export interface EnrichConfig<A, B> extends EnrichMerge<A, B> {
  readonly name: string
  /** Starts the lookup of one record; may return a value, a promise or an Observable. */
  readonly lookup: (record: A, signal: AbortSignal) => unknown
  readonly concurrency: number
  readonly ordered: boolean
  readonly cache?: LookupCacheOptions & { readonly key: (record: A) => string }
  /** Retries and timeouts; without it a lookup is called once, synchronously when it can be. */
  readonly retry?: RetryOptions
  /** At most `limit` calls of the lookup in any `windowMs` (through the shared rate limiter). */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number }
  /** Adds an entry to the report's `enrich` section with this stage's calls, retries and cache. */
  readonly report?: boolean
  /**
   * Work to finish, once per subscription, before the first lookup (loading a table): it resolves
   * to the lookup this subscription uses instead of `lookup`; `sections` are the run's report
   * sections. A rejection errors the output with the error `prepareError` makes.
   */
  readonly prepare?: (
    signal: AbortSignal,
    sections: Record<string, unknown>,
  ) => Promise<(record: A, signal: AbortSignal) => unknown>
  readonly prepareError?: (cause: unknown) => Error
}

/** @internal */
export function enrichOperator<A, B>(config: EnrichConfig<A, B>): Operator<A, B> {
  // enrich checked it (a whole number of at least 1) when the operator was made.
  const concurrency = config.concurrency
  return operate<A, B>(config.name, (operation) => {
    const stage = new EnrichStage(config, concurrency, operation)
    return () => stage.teardown()
  })
}

/** One record on its way through: where it came from, its cache key, its place in the output. */
interface Item<A> {
  readonly record: A
  readonly location: Location | undefined
  readonly place: Slot<Done<A>> | undefined
  key?: string
}

/** What goes to the output, in order: a record with its lookup's outcome, or a passing failure. */
type Done<A> =
  { readonly item: Item<A>; readonly outcome: LookupOutcome } | { readonly passing: Failure }

/** A lookup in flight, with whether it counts as work for the run. */
interface Call {
  call: LookupCall | undefined
  working: boolean
  readonly abort: AbortController
}

/** One subscription of an enrich stage. */
class EnrichStage<A, B> {
  private readonly stage: StageHandle
  private readonly output: Operation<A, B>['output']
  private readonly counters: EnrichCounters
  private readonly cache: LookupCache | undefined
  private readonly limiter: RateLimiter | undefined
  private readonly retry: RetryOptions | undefined
  private readonly slots: OrderedSlots<Done<A>> | undefined
  private readonly pool: ConcurrencyPool<Item<A>>
  /** Records sharing the lookup in flight for their cache key. */
  private readonly sharing = new Map<string, Array<Item<A>>>()
  private readonly calls = new Set<Call>()
  private readonly prepareController = new AbortController()
  private lookup: (record: A, signal: AbortSignal) => unknown
  private inputDone = false
  private closed = false
  private readonly subscription

  constructor(
    private readonly config: EnrichConfig<A, B>,
    concurrency: number,
    { stage, output, subscribeInput }: Operation<A, B>,
  ) {
    this.stage = stage
    this.output = output
    this.counters = new EnrichCounters(config.name)
    if (config.report === true) reportEnrich(stage.sections, this.counters)
    this.cache =
      config.cache === undefined ? undefined : new LookupCache(config.cache, this.counters)
    this.limiter = config.rateLimit === undefined ? undefined : new RateLimiter(config.rateLimit)
    this.retry = this.retryCounted(config.retry)
    this.slots = config.ordered ? new OrderedSlots((done) => this.emit(done)) : undefined
    this.lookup = config.lookup
    this.pool = new ConcurrencyPool(
      concurrency,
      (item) => this.start(item),
      config.prepare !== undefined,
    )
    if (config.prepare !== undefined) this.prepare(config.prepare)
    this.subscription = subscribeInput({
      next: (value) => this.next(value),
      error: (error: unknown) => output.error(error),
      complete: () => {
        this.inputDone = true
        this.completeIfDone()
      },
    })
  }

  teardown(): void {
    this.closed = true
    this.subscription.unsubscribe()
    this.prepareController.abort()
    for (const call of this.calls) {
      call.abort.abort()
      call.call?.cancel()
      if (call.working) this.stage.endWork()
    }
    this.calls.clear()
    this.sharing.clear()
    this.pool.clear()
    this.slots?.clear()
  }

  private next(value: Either<Failure, A>): void {
    if (this.closed) return
    if (isLeft(value)) {
      // In order, a failure waits its turn behind the records before it.
      if (this.slots !== undefined && this.slots.pending > 0)
        this.slots.push({ passing: value.left })
      else this.output.next(value)
      return
    }
    this.stage.receive()
    // The record is the source's current one only now: remember where it came from.
    const item: Item<A> = {
      record: value.right,
      location: this.stage.locationOf(value.right),
      place: this.slots?.reserve(),
    }
    if (!this.answer(item)) this.pool.submit(item)
  }

  /** The pool gave `item` a place: answers it from the cache, or calls its lookup. */
  private start(item: Item<A>): boolean {
    if (this.closed || this.answer(item)) return false
    this.call(item)
    return true
  }

  /**
   * Answers the record from the cache, or joins it to the lookup in flight for its key: true
   * when it needs no call of its own.
   */
  private answer(item: Item<A>): boolean {
    const cache = this.cache
    if (cache === undefined || this.config.cache === undefined) return false
    if (item.key === undefined)
      try {
        item.key = this.config.cache.key(item.record)
      } catch (error) {
        this.finish(item, { ok: false, error, attempts: 1 })
        return true
      }
    const remembered = cache.get(item.key)
    if (remembered !== undefined) {
      this.finish(item, remembered)
      return true
    }
    const others = this.sharing.get(item.key)
    if (others === undefined) return false
    this.counters.cacheHits += 1
    others.push(item)
    return true
  }

  private call(item: Item<A>): void {
    const key = item.key
    if (key !== undefined) {
      this.counters.cacheMisses += 1
      this.sharing.set(key, [item])
    }
    const entry: Call = { call: undefined, working: false, abort: new AbortController() }
    this.calls.add(entry)
    const done = (outcome: LookupOutcome): void => {
      if (this.closed) return
      this.calls.delete(entry)
      if (entry.working) this.stage.endWork()
      if (!outcome.ok) this.counters.failedLookups += 1
      const items = key === undefined ? [item] : (this.sharing.get(key) ?? [item])
      if (key !== undefined) {
        this.sharing.delete(key)
        this.cache?.remember(key, outcome)
      }
      for (const each of items) this.finish(each, outcome)
      this.pool.finished()
      this.completeIfDone()
    }
    const lookup = this.limited((signal) => {
      this.counters.calls += 1
      return this.lookup(item.record, signal)
    })
    const call =
      this.retry === undefined
        ? callOnce(lookup, entry.abort.signal, done)
        : callWithRetry(lookup, this.retry, done)
    entry.call = call
    // The lookup itself stopped the run (an abort, a fail-fast): teardown ran before the call
    // could be cancelled, so cancel it now, or it runs on (and its timers with it).
    if (this.closed) call.cancel()
    if (!call.sync && this.calls.has(entry)) {
      entry.working = true
      this.stage.beginWork()
    }
  }

  private finish(item: Item<A>, outcome: LookupOutcome): void {
    if (item.place !== undefined) item.place.fill({ item, outcome })
    else this.emit({ item, outcome })
  }

  private emit(done: Done<A>): void {
    if ('passing' in done) {
      this.output.next(left(done.passing))
      return
    }
    const { item, outcome } = done
    const result = enrichResult(this.config, item.record, outcome)
    if ('emit' in result) {
      this.stage.emit()
      this.output.next(right(result.emit))
    } else if ('drop' in result) this.stage.drop(result.drop)
    else {
      this.stage.fail()
      const init = { ...result.fail, record: item.record }
      this.output.next(left(this.stage.failure('TransformError', init, item.location)))
    }
  }

  private completeIfDone(): void {
    if (this.closed || !this.inputDone || !this.pool.idle) return
    if ((this.slots?.pending ?? 0) > 0) return
    this.closed = true
    this.stage.finish()
    this.output.complete()
  }

  private prepare(prepare: NonNullable<EnrichConfig<A, B>['prepare']>): void {
    this.stage.beginWork()
    prepare(this.prepareController.signal, this.stage.sections).then(
      (prepared) => {
        this.stage.endWork()
        if (this.closed) return
        this.lookup = prepared
        this.pool.resume()
        this.completeIfDone()
      },
      (error: unknown) => {
        this.stage.endWork()
        if (this.closed) return
        this.closed = true
        this.output.error(this.config.prepareError?.(error) ?? error)
      },
    )
  }

  /** The lookup through the rate limiter, if any. */
  private limited(lookup: (signal: AbortSignal) => unknown): (signal: AbortSignal) => unknown {
    const limiter = this.limiter
    if (limiter === undefined) return lookup
    return (signal) => limiter.acquire(signal).then(() => lookup(signal))
  }

  /** The retry options, counting retries for the report. */
  private retryCounted(retry: RetryOptions | undefined): RetryOptions | undefined {
    if (retry === undefined) return undefined
    return {
      ...retry,
      onRetry: (info) => {
        this.counters.retries += 1
        if (info.source === 'retry-after') this.counters.retryAfterWaits += 1
        retry.onRetry?.(info)
      },
    }
  }
}
