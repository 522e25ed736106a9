/**
 * The sink behind `defineSink`: records gathered into batches, each written by the user's
 * callback one at a time in order (a {@link ConcurrencyPool} of one place), with the callbacks'
 * errors named after the sink.
 *
 * @internal
 * @packageDocumentation
 */
import { describeError, failure } from '../core/Failure.js'
import { ConcurrencyPool } from './ConcurrencyPool.js'
import type { StageHandle } from './run/StageHandle.js'
import { withinPatience, type SinkImpl } from './runSink.js'

/**
 * The callbacks of a custom sink: the fields of the public `SinkDefinition` (documented there, in
 * `sinks/defineSink.ts`, which internal code does not import).
 *
 * @internal
 */
export interface BatchCallbacks<A> {
  readonly open?: (signal: AbortSignal) => void | Promise<void>
  readonly write: (batch: readonly A[], signal: AbortSignal) => void | Promise<void>
  readonly close?: (outcome: 'completed' | 'stopped', signal: AbortSignal) => void | Promise<void>
  readonly batchSize?: number
}

/** @internal */
export const DEFAULT_BATCH_SIZE = 100

/**
 * One run of a custom sink. A batch's records are written when its `write` resolves, and fail
 * (SinkError) when it throws; a partial batch is flushed whenever the source waits for budget.
 *
 * @internal
 */
export class BatchWriter<A> implements SinkImpl<A> {
  private readonly batchSize: number
  private buffer: A[] = []
  /**
   * The batch writes, one at a time: each starts once the one before settled, a microtask after
   * its flush (never inside the `write` or stall that flushed it).
   */
  private readonly writing = ConcurrencyPool.ofPromises<A[]>(1, (batch) =>
    Promise.resolve().then(() => this.writeBatch(batch)),
  )
  private closed = false
  private readonly unlisten: () => void

  constructor(
    private readonly callbacks: BatchCallbacks<A>,
    private readonly stage: StageHandle,
  ) {
    this.batchSize = Math.max(
      1,
      Math.min(callbacks.batchSize ?? DEFAULT_BATCH_SIZE, Math.floor(stage.highWaterMark / 2)),
    )
    this.unlisten = stage.onStall(() => this.flush())
  }

  /** Opens the destination; without `open`, nothing to wait for: the records flow at once. */
  start(): void | Promise<void> {
    const open = this.callbacks.open
    if (open === undefined) return
    return this.named('open', () => open(this.stage.signal))
  }

  write(record: A): void {
    this.buffer.push(record)
    if (this.buffer.length >= this.batchSize) this.flush()
  }

  async end(): Promise<void> {
    this.flush()
    await this.writing.whenIdle()
    await this.close('completed')
  }

  async abort(patienceMs: number): Promise<void> {
    this.buffer = []
    // A write in flight has had its signal aborted; one that ignores it is not waited for long:
    // close is called anyway, and the run settles without it.
    await withinPatience(this.writing.whenIdle(), patienceMs / 2)
    await this.close('stopped')
  }

  private flush(): void {
    if (this.buffer.length === 0) return
    const batch = this.buffer
    this.buffer = []
    // A batch waiting for its turn is work in progress already, as the one being written is.
    this.stage.beginWork()
    this.writing.submit(batch)
  }

  private async writeBatch(batch: A[]): Promise<void> {
    const stage = this.stage
    try {
      if (!stage.stopped) {
        const started = performance.now()
        await this.callbacks.write(batch, stage.signal)
        stage.busy.addSpan(started, performance.now())
        stage.write(batch.length)
      }
    } catch (error) {
      for (const record of batch) {
        stage.failHere(
          failure('SinkError', {
            stage: stage.name,
            reason: describeError(error),
            cause: error,
            record,
          }),
        )
      }
    } finally {
      stage.endWork()
    }
  }

  private async close(outcome: 'completed' | 'stopped'): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.unlisten()
    const close = this.callbacks.close
    if (close !== undefined) await this.named('close', () => close(outcome, this.stage.signal))
  }

  /** Runs a callback; its error is rethrown naming the sink and the callback. */
  private async named(what: string, callback: () => void | Promise<void>): Promise<void> {
    try {
      await callback()
    } catch (error) {
      throw new Error(`${this.stage.name}: ${what} failed: ${describeError(error)}`, {
        cause: error,
      })
    }
  }
}
