/**
 * The pull loop every source shares: read a batch, emit its records one by one while the run has
 * budget, wait when it has none, yield to the event loop now and then, stop when unsubscribed.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable } from 'rxjs'
import { isLeft, type Either } from 'fp-ts/lib/Either.js'
import type { Failure, Location } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import { currentRun } from './run/currentRun.js'
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

/** @internal */
export function pullSource<A>(
  name: string,
  open: OpenReader<A>,
  options: PullSourceOptions = {},
): Flow<A> {
  const flow = new Observable<Either<Failure, A>>((subscriber) => {
    const stage = currentRun().openStage(name, 'source', 0)
    const checkpoints = stage.checkpoints
    checkpoints?.registerSource(name, options.positions === true)
    const controller = new AbortController()
    let reader: AsyncIterator<SourceBatch<A>> | undefined
    const closed = (): boolean => subscriber.closed || stage.stopped

    const loop = async (): Promise<void> => {
      // Resumed after the input had been read to its end: only the commit was left to do.
      if (checkpoints !== undefined && (await checkpoints.sourcesDone())) {
        if (closed()) return
        stage.finish()
        subscriber.complete()
        return
      }
      const opening = performance.now()
      const opened = await open(controller.signal, stage)
      stage.busy.addSpan(opening, performance.now())
      reader = opened
      // Unsubscribed while opening: the teardown found no reader to return, so return it here.
      if (controller.signal.aborted) {
        void opened.return?.()?.catch(() => undefined)
        return
      }
      let lastYield = performance.now()
      for (;;) {
        if (closed()) return
        const reading = performance.now()
        const step = await opened.next()
        stage.busy.addSpan(reading, performance.now())
        if (step.done === true) break
        const { items, bytes, details, locate } = step.value
        if (details !== undefined) stage.setDetails({ ...details })
        const bytesEach = bytes === undefined || items.length === 0 ? 0 : bytes / items.length
        for (let index = 0; index < items.length; index++) {
          if (!stage.hasCapacity()) await stage.capacity()
          if (closed()) return
          const item = items[index] as Either<Failure, A>
          stage.read(item, bytesEach)
          stage.emitting(
            locate === undefined || isLeft(item) ? undefined : item.right,
            locate,
            index,
          )
          subscriber.next(item)
        }
        const taking =
          step.value.position === undefined
            ? undefined
            : checkpoints?.afterBatch(step.value.position)
        if (taking !== undefined) await taking
        const now = performance.now()
        if (now - lastYield > YIELD_EVERY_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve))
          lastYield = performance.now()
        }
      }
      if (closed()) return
      stage.finish()
      subscriber.complete()
    }

    loop().catch((error: unknown) => {
      if (subscriber.closed) return
      subscriber.error(error)
    })

    return () => {
      controller.abort()
      stage.finish()
      // Not awaited: a reader blocked on a read wakes through the signal above.
      void reader?.return?.()?.catch(() => undefined)
    }
  })
  return withDepth(flow, 0)
}
