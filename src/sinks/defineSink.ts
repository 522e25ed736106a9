import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runSink } from '../internal/runSink.js'
import { BatchWriter } from '../internal/batchWriter.js'

/**
 * What a custom sink implements.
 *
 * @category sinks
 * @since 0.1.0
 */
export interface SinkDefinition<A> {
  /** The stage name in the report. */
  readonly name: string
  /** Opens the destination; called once before the first record. */
  readonly open?: (signal: AbortSignal) => void | Promise<void>
  /**
   * Delivers a batch. When it resolves, the batch's records count as written; when it throws,
   * each of them is a SinkError failure (handled by the run's policy). Batches are written one at
   * a time, in order. `signal` aborts when the run stops (abort, fail-fast, stall): a write that
   * may block should listen to it. The run does not wait for a write that ignores it.
   */
  readonly write: (batch: readonly A[], signal: AbortSignal) => void | Promise<void>
  /**
   * Closes the destination; called once after the last batch, or when the run stops (`signal` is
   * then aborted).
   */
  readonly close?: (outcome: 'completed' | 'stopped', signal: AbortSignal) => void | Promise<void>
  /**
   * Records per batch (default 100). Kept well under the run's high-water mark, and a partial
   * batch is flushed whenever the source waits for budget, so a batch never waits for records the
   * source cannot send.
   */
  readonly batchSize?: number
}

/**
 * Defines a custom sink from a `write(batch)` function: batching, backpressure (records count
 * against the run's budget until their batch is written), failures and the report are handled.
 * Returns a function that takes the run's options and gives the sink.
 *
 * When the run stops early, the `AbortSignal` given to `write` and `close` aborts and the run
 * rejects: it waits for the sink to stop at most 2 s (and at most `stallTimeoutMs`), whatever the
 * sink does. A write that never settles stalls the run after ten times `stallTimeoutMs` (at least 1 s). Errors
 * of `open` and `close` name the sink.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, defineSink } from 'powerflow-etl'
 *
 * const seen: number[][] = []
 * const toBatches = defineSink<number>({ name: 'toBatches', batchSize: 2, write: (batch) => void seen.push([...batch]) })
 * const report = await pipe(fromGenerator([1, 2, 3]), toBatches())
 * console.assert(report.written === 3 && seen.length === 2)
 * ```
 *
 * @category sinks
 * @since 0.1.0
 */
export function defineSink<A>(definition: SinkDefinition<A>): (options?: RunOptions) => Sink<A> {
  return (options = {}) =>
    (flow) =>
      runSink<A>(flow, definition.name, options, (stage) => new BatchWriter(definition, stage))
}
