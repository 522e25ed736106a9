/**
 * The machinery every PowerFlow operator shares: find the run, register the stage, pass failures
 * through untouched and in order, turn a throwing handler into a `Left` for that record, keep the
 * stage's accounting, and finish the stage when its output completes.
 *
 * @internal
 * @packageDocumentation
 */
import type { Subscriber } from 'rxjs'
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js'
import { describeError, type Failure, type FailureInit, type FailureTag } from '../core/Failure.js'
import type { Operator } from '../core/Flow.js'
import type { RunContext } from './run/RunContext.js'
import type { StageHandle } from './run/StageHandle.js'
import { operate } from './operate.js'
import { OwnTime } from './ownTime.js'

/** The bookkeeping verbs and run views a stage's handlers use as they are (see {@link StageHandle}). @internal */
export type StageVerbs = Pick<
  StageHandle,
  | 'name'
  | 'create'
  | 'merge'
  | 'hold'
  | 'release'
  | 'dropHeld'
  | 'setDetails'
  | 'hasCapacity'
  | 'capacity'
  | 'beginWork'
  | 'endWork'
  | 'onStall'
  | 'highWaterMark'
  | 'locationOf'
  | 'checkpoints'
>

/** What a stage's handlers may do. @internal */
export interface StageApi<B> extends StageVerbs {
  /**
   * The run, for what is not a record's bookkeeping (a report section).
   *
   * @deprecated transitional, for `profile`'s report section; count through the verbs.
   */
  readonly run: RunContext
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
  /** Open records are dropped on purpose (counts `dropped` and settles them in the ledger). */
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
  return operate<A, B>(name, ({ stage, output: subscriber, run, subscribeInput }) => {
    const output = new StageOutput(subscriber)
    const api = stageApi(run, stage, output)
    const handlers = setup(api)
    const subscription = subscribeInput({
      next(value) {
        if (isLeft(value)) {
          subscriber.next(value)
          return
        }
        stage.receive()
        if (oneToOne) output.handling = value.right
        const sampled = output.time.samples(stage.busy)
        const started = sampled ? output.time.start() : 0
        try {
          handlers.next(value.right)
        } catch (error) {
          api.fail(api.transformError(value.right, error))
        }
        if (sampled) stage.busy.addSample(output.time.stop(started))
        output.handling = undefined
      },
      error(error: unknown) {
        subscriber.error(error)
      },
      complete() {
        completeStage(stage, output, handlers)
      },
    })
    return () => {
      subscription.unsubscribe()
      stage.finish()
      output.ended = true
      handlers.teardown?.()
    }
  })
}

/** A stage's output: sends values downstream, timing the stage's own work (see {@link OwnTime}). */
class StageOutput<B> {
  /** The input record being handled, while a one-to-one stage handles it. */
  handling: unknown = undefined
  /** Unsubscribed: what was inside the stage is settled (cancelled); the verbs do nothing more. */
  ended = false
  readonly time = new OwnTime()

  constructor(private readonly subscriber: Subscriber<Either<Failure, B>>) {}

  get closed(): boolean {
    return this.subscriber.closed
  }

  send(value: Either<Failure, B>): void {
    this.time.send(this.subscriber, value)
  }

  error(error: unknown): void {
    this.subscriber.error(error)
  }

  complete(): void {
    this.subscriber.complete()
  }
}

function stageApi<B>(run: RunContext, stage: StageHandle, output: StageOutput<B>): StageApi<B> {
  const api: StageApi<B> = {
    run,
    name: stage.name,
    highWaterMark: stage.highWaterMark,
    create: (count) => stage.create(count),
    merge: (count) => stage.merge(count),
    hold: (count) => stage.hold(count),
    release: (count) => stage.release(count),
    dropHeld: (reason, count) => stage.dropHeld(reason, count),
    setDetails: (details) => stage.setDetails(details),
    hasCapacity: () => stage.hasCapacity(),
    capacity: () => stage.capacity(),
    beginWork: () => stage.beginWork(),
    endWork: () => stage.endWork(),
    onStall: (listener) => stage.onStall(listener),
    locationOf: (record) => stage.locationOf(record),
    checkpoints: stage.checkpoints,
    emit(record) {
      if (output.ended) return
      stage.emit()
      if (output.handling !== undefined) stage.derived(output.handling, record)
      output.send(right(record))
    },
    passFailure(value) {
      output.send(left(value))
    },
    fail(value) {
      if (output.ended) return
      stage.fail()
      output.send(left(value))
    },
    transformError(record, error) {
      return api.failure('TransformError', { reason: describeError(error), cause: error, record })
    },
    failure: (tag, init) => stage.failure(tag, init),
    drop(reason, count = 1) {
      if (output.ended) return
      stage.drop(reason, count)
    },
    isClosed: () => output.closed || stage.stopped,
  }
  return api
}

/** The input completed: runs the stage's `complete` (awaited), then finishes the stage. */
function completeStage<A, B>(
  stage: StageHandle,
  output: StageOutput<B>,
  handlers: StageHandlers<A>,
): void {
  let pending: void | Promise<void>
  try {
    const started = output.time.start()
    try {
      pending = handlers.complete?.()
    } finally {
      stage.busy.add(output.time.stop(started))
    }
  } catch (error) {
    output.error(named(stage.name, error))
    return
  }
  const done = (): void => {
    stage.finish()
    output.complete()
  }
  if (pending === undefined) return done()
  const awaited = performance.now()
  pending.then(
    () => {
      stage.busy.addSpan(awaited, performance.now())
      if (!output.closed) done()
    },
    (error: unknown) => output.error(named(stage.name, error)),
  )
}

/** An error raised while a stage finishes, naming the stage (once). */
function named(stage: string, error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith(`${stage}:`)) return error
  return new Error(`${stage}: ${describeError(error)}`, { cause: error })
}
