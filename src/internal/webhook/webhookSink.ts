/**
 * The webhook sink's machinery, for `toWebhook` and `replayToWebhook`: records gathered into
 * batches (by size, bytes and idempotency key), batches sent a few at a time by
 * {@link WebhookDelivery}.
 *
 * @internal
 * @packageDocumentation
 */
import type { Flow } from '../../core/Flow.js'
import type { RunReport } from '../../core/RunReport.js'
import type { RunOptions } from '../../core/RunOptions.js'
import type { StageHandle } from '../run/StageHandle.js'
import { runSink, type SinkImpl } from '../runSink.js'
import { ConcurrencyPool } from '../ConcurrencyPool.js'
import { emptyBatch, type Batch } from './batch.js'
import { WebhookDelivery } from './delivery.js'
import { WebhookCheckpoint } from './webhookCheckpoint.js'
import { webhookSettings, type WebhookOptionValues, type WebhookSettings } from './options.js'

/**
 * How a webhook sink reads its input: the record to send, and the idempotency key it must be sent
 * under (`undefined`: a fresh one). `toWebhook` sends its records as they are; the replay of
 * dead letters sends each letter's `record` under its original key.
 *
 * @internal
 */
export interface WebhookInput<I, A> {
  readonly payload: (input: I) => A
  readonly key: (input: I) => string | undefined
}

/**
 * A webhook sink: `label` names it in stage names and errors. Checks the options at once.
 *
 * @internal
 */
export function webhookSink<I, A>(
  url: string | URL,
  options: WebhookOptionValues<A> & RunOptions,
  label: string,
  input: WebhookInput<I, A>,
): (flow: Flow<I>) => Promise<RunReport> {
  const settings = webhookSettings(url, options, label)
  return (flow) =>
    runSink<I>(
      flow,
      settings.stageName,
      options,
      (stage) => new WebhookWriter(settings, input, stage),
    )
}

/** One run of a webhook sink: the batch being filled, and the pool sending full ones. */
class WebhookWriter<I, A> implements SinkImpl<I> {
  private readonly delivery: WebhookDelivery<A>
  private readonly batches: ConcurrencyPool<Batch<A>>
  /** Records per request: the configured size, capped at half the run's high-water mark. */
  private readonly batchSize: number
  private current: Batch<A> = emptyBatch(undefined)
  private readonly stopFlushingOnStall: () => void
  /** With the checkpoint run option: batch numbering and keys that a resume keeps. */
  private readonly checkpoint: WebhookCheckpoint<A> | undefined

  constructor(
    private readonly settings: WebhookSettings<A>,
    private readonly input: WebhookInput<I, A>,
    private readonly stage: StageHandle,
  ) {
    this.delivery = new WebhookDelivery(settings, stage)
    this.batchSize = Math.max(1, Math.min(settings.batchSize, Math.floor(stage.highWaterMark / 2)))
    this.batches = ConcurrencyPool.ofPromises<Batch<A>>(
      settings.concurrency,
      (batch) => (this.delivery.signal.aborted ? undefined : this.delivery.deliver(batch)),
      stage,
    )
    this.checkpoint = WebhookCheckpoint.of(stage, {
      current: () => this.current,
      whenIdle: () => this.batches.whenIdle(),
    })
    // A flush when the source waits cuts a batch by time: checkpoints need batches cut by their
    // records alone (see webhookCheckpoint). Batches of at most half the budget never block it.
    this.stopFlushingOnStall =
      this.checkpoint === undefined ? stage.onStall(() => this.flush()) : () => undefined
  }

  /** Resuming from a checkpoint: goes on filling the batch it saved. */
  async start(): Promise<void> {
    const pending = await this.checkpoint?.open()
    if (pending !== undefined) this.current = pending
  }

  write(item: I): void {
    const key = this.input.key(item)
    const record = this.input.payload(item)
    const part = JSON.stringify(record) as string | undefined
    if (part === undefined) throw new TypeError('the record cannot be sent as JSON')
    const bytes = Buffer.byteLength(part)
    if (key !== this.current.key) this.flush()
    else if (
      key === undefined &&
      this.current.records.length > 0 &&
      this.current.bytes + bytes + 1 > this.settings.batchBytes
    )
      this.flush()
    if (this.current.records.length === 0) this.current = emptyBatch(key)
    this.current.records.push(record)
    this.current.parts.push(part)
    this.current.bytes += bytes + 1
    // Records under a given key are sent together, as the batch they were first sent in.
    if (key === undefined && this.current.records.length >= this.batchSize) this.flush()
  }

  async end(): Promise<void> {
    this.flush()
    await this.batches.whenIdle()
    this.stopFlushingOnStall()
    if (!this.stage.stopped) await this.checkpoint?.beforeCommit()
    await this.delivery.close()
  }

  async abort(): Promise<void> {
    this.stopFlushingOnStall()
    this.batches.clear()
    this.delivery.cancel()
    await this.batches.whenIdle()
    await this.delivery.destroy()
  }

  private flush(): void {
    if (this.current.records.length === 0) return
    const full = this.current
    this.current = emptyBatch(undefined)
    this.checkpoint?.cut(full)
    this.batches.submit(full)
  }
}
