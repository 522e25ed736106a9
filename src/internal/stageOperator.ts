/**
 * The machinery every PowerFlow operator shares: find the run, register the stage, pass failures
 * through untouched and in order, turn a throwing handler into a `Left` for that record, keep the
 * stage's accounting, and finish the stage when its output completes.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable, type Subscriber } from 'rxjs'
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js'
import {
  failure,
  describeError,
  type Failure,
  type FailureInit,
  type FailureTag,
} from '../core/Failure.js'
import type { Flow, Operator } from '../core/Flow.js'
import { currentRun, type RunContext, type StageStats } from './RunContext.js'
import { depthOf, withDepth } from './depth.js'
import { subscribeInput } from './flowInput.js'

/** What a stage's handlers may do. @internal */
export interface StageApi<B> {
  readonly run: RunContext
  readonly stats: StageStats
  readonly name: string
  /** Emits a record downstream (counts `out`). */
  emit(record: B): void
  /** Emits a failure that passed through or arose elsewhere (not counted for this stage). */
  passFailure(failure: Failure): void
  /** The record failed in this stage: emits a `Left` (counts `failed`). */
  fail(failure: Failure): void
  /** A TransformError for `record` caused by `error`, placed where the record came from. */
  transformError(record: unknown, error: unknown): Failure
  /**
   * A failure of this stage about `init.record`, whose location adds where the record came from
   * (the source's file and line), when known, to what `init.location` says.
   */
  failure(tag: FailureTag, init: Omit<FailureInit, 'stage'>): Failure
  /** The record is dropped on purpose (counts `dropped` and settles it in the ledger). */
  drop(reason: string, count?: number): void
  /** Whether the output has been unsubscribed or the run stopped. */
  isClosed(): boolean
}

/** What a stage does with its input. @internal */
export interface StageHandlers<A> {
  /** One record (a Right). A throw becomes a TransformError for that record. */
  next(record: A): void
  /** The input completed; emit what is held. Awaited before the output completes. */
  complete?(): void | Promise<void>
  /** The output was unsubscribed or the run stopped: release resources. */
  teardown?(): void
}

/** How a stage relates its output to its input. @internal */
export interface StageOptions {
  /**
   * Each record it emits while handling an input record is made from that record alone (map,
   * validate, filter): failures downstream about the output still know the source's file and line.
   */
  readonly oneToOne?: boolean
}

/** Creates a stage operator named `name`. `setup` runs once per subscription. @internal */
export function stageOperator<A, B>(
  name: string,
  setup: (api: StageApi<B>) => StageHandlers<A>,
  options: StageOptions = {},
): Operator<A, B> {
  const oneToOne = options.oneToOne === true
  return (input: Flow<A>): Flow<B> => {
    const output = new Observable<Either<Failure, B>>(
      (subscriber: Subscriber<Either<Failure, B>>) => {
        const run = currentRun()
        const stats = run.stage(name, 'operator', depthOf(input) + 1)
        // The input record being handled, while a one-to-one stage handles it.
        let handling: unknown = undefined
        // Unsubscribed: what was inside the stage is settled (cancelled); the verbs do nothing more.
        let ended = false
        // While a sampled call is timed: the time spent downstream, taken out of the stage's own.
        let timing = false
        let downstream = 0
        const send = (value: Either<Failure, B>): void => {
          if (!timing) {
            subscriber.next(value)
            return
          }
          const started = performance.now()
          subscriber.next(value)
          downstream += performance.now() - started
        }
        const api: StageApi<B> = {
          run,
          stats,
          name,
          emit(record) {
            if (ended) return
            stats.out += 1
            if (handling !== undefined) run.derived(handling, record)
            send(right(record))
          },
          passFailure(value) {
            send(left(value))
          },
          fail(value) {
            if (ended) return
            stats.failed += 1
            send(left(value))
          },
          transformError(record, error) {
            return api.failure('TransformError', {
              reason: describeError(error),
              cause: error,
              record,
            })
          },
          failure(tag, init) {
            const origin = run.locationOf(init.record)
            const location = origin === undefined ? init.location : { ...origin, ...init.location }
            return failure(tag, {
              ...init,
              stage: name,
              ...(location === undefined ? {} : { location }),
            })
          },
          drop(reason, count = 1) {
            if (ended) return
            stats.dropped += count
            run.settle('dropped', count, reason)
          },
          isClosed: () => subscriber.closed || run.stopped !== undefined,
        }
        const handlers = setup(api)
        const subscription = subscribeInput(run, name, input, {
          next(value) {
            if (isLeft(value)) {
              subscriber.next(value)
              return
            }
            stats.in += 1
            if (oneToOne) handling = value.right
            const outer = run.activeStage
            run.activeStage = stats
            const sampled = !timing && stats.busy.sample()
            const started = sampled ? performance.now() : 0
            if (sampled) {
              timing = true
              downstream = 0
            }
            try {
              handlers.next(value.right)
            } catch (error) {
              api.fail(api.transformError(value.right, error))
            }
            if (sampled) {
              timing = false
              stats.busy.addSample(performance.now() - started - downstream)
            }
            run.activeStage = outer
            handling = undefined
          },
          error(error: unknown) {
            subscriber.error(error)
          },
          complete() {
            const done = (): void => {
              run.finishStage(stats)
              subscriber.complete()
            }
            let pending: void | Promise<void>
            const outer = run.activeStage
            run.activeStage = stats
            const started = performance.now()
            timing = true
            downstream = 0
            try {
              pending = handlers.complete?.()
            } catch (error) {
              subscriber.error(named(name, error))
              return
            } finally {
              timing = false
              stats.busy.add(performance.now() - started - downstream)
              run.activeStage = outer
            }
            if (pending === undefined) done()
            else {
              const awaited = performance.now()
              pending.then(
                () => {
                  stats.busy.addSpan(awaited, performance.now())
                  if (!subscriber.closed) done()
                },
                (error: unknown) => subscriber.error(named(name, error)),
              )
            }
          },
        })
        return () => {
          subscription.unsubscribe()
          run.finishStage(stats)
          ended = true
          handlers.teardown?.()
        }
      },
    )
    return withDepth(output, depthOf(input) + 1)
  }
}

/** An error raised while a stage finishes, naming the stage (once). */
function named(stage: string, error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith(`${stage}:`)) return error
  return new Error(`${stage}: ${describeError(error)}`, { cause: error })
}
