/**
 * The pull loop every source shares: read a batch, emit its records one by one while the run has
 * budget, wait when it has none, yield to the event loop now and then, stop when unsubscribed.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable, type Subscriber } from 'rxjs'
import { isLeft, type Either } from 'fp-ts/lib/Either.js'
import type { Failure, Location } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import { currentRun } from './run/currentRun.js'
import type { StageHandle } from './run/StageHandle.js'
import type { Checkpointer } from './checkpoint/Checkpointer.js'
import { withDepth } from './depth.js'

/** A batch of records a source read, with their approximate size in bytes if known. @internal */
export interface SourceBatch<A> {
  readonly items: ReadonlyArray<Either<Failure, A>>
  readonly bytes?: number
  /** The source's figures about itself as of this batch, reported as the stage's `details`. */
  readonly details?: Readonly<Record<string, unknown>>
  /**
   * Where the item at `index` came from (file, line, row), for failures that later stages raise
   * about that record. Called only when such a failure happens.
   */
  readonly locate?: (index: number) => Location
  /**
   * Where the source stands after the batch's last item, for the `checkpoint` run option (a
   * position its reader continues from); absent when it is not on a record boundary.
   */
  readonly position?: unknown
}

/** @internal */
export interface PullSourceOptions {
  /** The batches carry a `position`: the source can take part in checkpoints. */
  readonly positions?: boolean
}

/** What a source's reader may tell its run besides its records. @internal */
export interface SourceStage {
  /** Adds a warning to the report (a failure that counts no record). */
  warn(failure: Failure): void
  /** The run's report sections, where a source shows its own (`bookmark`, say). */
  readonly sections: Record<string, unknown>
}

/**
 * Opens the source's reader. `signal` aborts when the subscriber goes away: a reader blocked on a
 * read must listen to it, because an async generator's `return()` waits behind a pending `next()`.
 *
 * @internal
 */
export type OpenReader<A> = (
  signal: AbortSignal,
  stage: SourceStage,
) => AsyncIterator<SourceBatch<A>> | Promise<AsyncIterator<SourceBatch<A>>>

/** How long a source may keep the event loop before it yields (timers, abort signals). */
const YIELD_EVERY_MS = 8

/**
 * One subscription's pull loop. A class rather than a closure made inside the subscribe function:
 * as a closure, each new run of a pipeline in the same process (each task a thread runs) had its
 * hot loop optimized again — once per task, 40–90 ms of compiler time each (bench scenario 13,
 * `--trace-opt`) — while a method's optimized code serves every instance.
 */
class SourcePull<A> {
  readonly controller = new AbortController()
  reader: AsyncIterator<SourceBatch<A>> | undefined
  private readonly checkpoints: Checkpointer | undefined

  constructor(
    private readonly subscriber: Subscriber<Either<Failure, A>>,
    private readonly stage: StageHandle,
    private readonly open: OpenReader<A>,
  ) {
    this.checkpoints = stage.checkpoints
  }

  closed(): boolean {
    return this.subscriber.closed || this.stage.stopped
  }

  async run(): Promise<void> {
    const { stage, subscriber } = this
    // Resumed after the input had been read to its end: only the commit was left to do.
    if (this.checkpoints !== undefined && (await this.checkpoints.sourcesDone())) {
      if (this.closed()) return
      stage.finish()
      subscriber.complete()
      return
    }
    const opening = performance.now()
    const opened = await this.open(this.controller.signal, stage)
    stage.busy.addSpan(opening, performance.now())
    this.reader = opened
    // Unsubscribed while opening: the teardown found no reader to return, so return it here.
    if (this.controller.signal.aborted) {
      void opened.return?.()?.catch(() => undefined)
      return
    }
    let lastYield = performance.now()
    for (;;) {
      if (this.closed()) return
      const reading = performance.now()
      const step = await opened.next()
      stage.busy.addSpan(reading, performance.now())
      if (step.done === true) break
      if (!(await this.emit(step.value))) return
      const now = performance.now()
      if (now - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        lastYield = performance.now()
      }
    }
    if (this.closed()) return
    stage.finish()
    subscriber.complete()
  }

  /** Emits a batch's items while the run has budget; false once the subscription is over. */
  private async emit(batch: SourceBatch<A>): Promise<boolean> {
    const { stage, subscriber } = this
    const { items, bytes, details, locate } = batch
    if (details !== undefined) stage.setDetails({ ...details })
    const bytesEach = bytes === undefined || items.length === 0 ? 0 : bytes / items.length
    for (let index = 0; index < items.length; index++) {
      if (!stage.hasCapacity()) await stage.capacity()
      if (this.closed()) return false
      const item = items[index] as Either<Failure, A>
      stage.read(item, bytesEach)
      stage.emitting(locate === undefined || isLeft(item) ? undefined : item.right, locate, index)
      subscriber.next(item)
    }
    const taking =
      batch.position === undefined ? undefined : this.checkpoints?.afterBatch(batch.position)
    if (taking !== undefined) await taking
    return true
  }
}

/** @internal */
export function pullSource<A>(
  name: string,
  open: OpenReader<A>,
  options: PullSourceOptions = {},
): Flow<A> {
  const flow = new Observable<Either<Failure, A>>((subscriber) => {
    const stage = currentRun().openStage(name, 'source', 0)
    stage.checkpoints?.registerSource(name, options.positions === true)
    const pull = new SourcePull(subscriber, stage, open)
    pull.run().catch((error: unknown) => {
      if (subscriber.closed) return
      subscriber.error(error)
    })
    return () => {
      pull.controller.abort()
      stage.finish()
      // Not awaited: a reader blocked on a read wakes through the signal above.
      void pull.reader?.return?.()?.catch(() => undefined)
    }
  })
  return withDepth(flow, 0)
}
