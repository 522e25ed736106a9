/**
 * Batches waiting to be sent, sent at most `concurrency` at a time: the queue every batching
 * sink (`toWebhook`, `toHubSpot`, `toSalesforce`) keeps between its buffer and the destination.
 *
 * @internal
 * @packageDocumentation
 */

/** What the run is told about each batch in flight. @internal */
export interface WorkTracker {
  beginWork(): void
  endWork(): void
}

/**
 * Sends pushed batches in order, at most `concurrency` at once, none once `signal` has aborted.
 * Each batch in flight counts as the run's work; `deliver` reports each record's outcome itself
 * and should not reject.
 *
 * @internal
 */
export class BatchQueue<Batch> {
  private readonly waiting: Batch[] = []
  private readonly active = new Set<Promise<void>>()

  constructor(
    private readonly concurrency: number,
    private readonly signal: AbortSignal,
    private readonly work: WorkTracker,
    private readonly deliver: (batch: Batch) => Promise<void>,
  ) {}

  /** Queues `batch` and sends what the concurrency allows. */
  push(batch: Batch): void {
    this.waiting.push(batch)
    this.pump()
  }

  /** Forgets the batches not sent yet. */
  clear(): void {
    this.waiting.length = 0
  }

  /** Resolves once no batch is in flight (including ones started meanwhile). */
  async drain(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled(this.active)
  }

  private pump(): void {
    while (this.active.size < this.concurrency && this.waiting.length > 0 && !this.signal.aborted) {
      const batch = this.waiting.shift() as Batch
      this.work.beginWork()
      const sending: Promise<void> = this.deliver(batch).finally(() => {
        this.active.delete(sending)
        this.work.endWork()
        this.pump()
      })
      this.active.add(sending)
    }
  }
}
