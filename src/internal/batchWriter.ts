/**
 * The sink behind `defineSink`: records gathered into batches, each written by the user's
 * callback one at a time in order, with the callbacks' errors named after the sink.
 *
 * @internal
 * @packageDocumentation
 */
import { describeError, failure } from '../core/Failure.js'
import type { RunContext, StageStats } from './RunContext.js'
import { stopPatience, withinPatience, type SinkImpl } from './runSink.js'

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
  /** The chain of batch writes: each starts once the one before settled. */
  private writing: Promise<void> = Promise.resolve()
  private closed = false
  private readonly unlisten: () => void

  constructor(
    private readonly callbacks: BatchCallbacks<A>,
    private readonly run: RunContext,
    private readonly stats: StageStats,
  ) {
    this.batchSize = Math.max(
      1,
      Math.min(
        callbacks.batchSize ?? DEFAULT_BATCH_SIZE,
        Math.floor(run.settings.highWaterMark / 2),
      ),
    )
    this.unlisten = run.onStall(() => this.flush())
  }

  /** Opens the destination; without `open`, nothing to wait for: the records flow at once. */
  start(): void | Promise<void> {
    const open = this.callbacks.open
    if (open === undefined) return
    return this.named('open', () => open(this.run.signal))
  }

  write(record: A): void {
    this.buffer.push(record)
    if (this.buffer.length >= this.batchSize) this.flush()
  }

  async end(): Promise<void> {
    this.flush()
    await this.writing
    await this.close('completed')
  }

  async abort(): Promise<void> {
    this.buffer = []
    // A write in flight has had its signal aborted; one that ignores it is not waited for long:
    // close is called anyway, and the run settles without it.
    await withinPatience(
      this.writing.catch(() => undefined),
      stopPatience(this.run) / 2,
    )
    await this.close('stopped')
  }

  private flush(): void {
    if (this.buffer.length === 0) return
    const batch = this.buffer
    this.buffer = []
    this.run.beginWork()
    this.writing = this.writing.then(() => this.writeBatch(batch))
  }

  private async writeBatch(batch: A[]): Promise<void> {
    const { run, stats } = this
    try {
      if (run.stopped === undefined) {
        const started = performance.now()
        await this.callbacks.write(batch, run.signal)
        stats.busy.addSpan(started, performance.now())
        stats.out += batch.length
        run.settle('written', batch.length)
      }
    } catch (error) {
      for (const record of batch) {
        stats.failed += 1
        run.fail(
          failure('SinkError', {
            stage: stats.name,
            reason: describeError(error),
            cause: error,
            record,
          }),
        )
      }
    } finally {
      run.endWork()
    }
  }

  private async close(outcome: 'completed' | 'stopped'): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.unlisten()
    const close = this.callbacks.close
    if (close !== undefined) await this.named('close', () => close(outcome, this.run.signal))
  }

  /** Runs a callback; its error is rethrown naming the sink and the callback. */
  private async named(what: string, callback: () => void | Promise<void>): Promise<void> {
    try {
      await callback()
    } catch (error) {
      throw new Error(`${this.stats.name}: ${what} failed: ${describeError(error)}`, {
        cause: error,
      })
    }
  }
}
