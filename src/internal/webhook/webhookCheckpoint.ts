/**
 * A webhook sink's part in checkpoints: idempotency keys that a resume sends again unchanged, on
 * batches cut where an uninterrupted run cuts them.
 *
 * - **Batches are cut by their records only**: `batchSize` records, `batchBytes` bytes, a change
 *   of the input's idempotency key, the end of the input — never by time (the flush when the
 *   source waits for budget is off) nor where a checkpoint falls (that depends on the source's
 *   read chunks and on `everyMs`). So the n-th batch of a logical run holds the same records in
 *   every attempt at the run, and is sent under the same key, `<run id>-<n>`; the run id is made
 *   when the logical run starts and saved before any record moves (see `Checkpointer.identify`).
 * - **At a checkpoint** the requests in flight finish first (the checkpoint waits until no record
 *   is open): every batch cut so far has its answer — a 2xx, or failed after its retries — before
 *   the position is saved. The batch being filled is not sent: its records (their JSON texts) are
 *   saved in the checkpoint itself, uncommitted in the ledger, and a resumed run goes on filling it.
 *   They are covered by the position the same way a file sink's records are by its fsynced
 *   temporary file: durably kept, delivered later, never lost.
 *
 * @internal
 * @packageDocumentation
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Checkpointer } from '../checkpoint/Checkpointer.js'
import { isSavedFileSink, type SavedWebhookSink } from '../checkpoint/savedCheckpoint.js'
import { emptyBatch, type Batch } from './batch.js'

/** What the checkpoint reaches inside the webhook sink. @internal */
export interface WebhookSinkAccess<A> {
  /** The batch being filled. */
  current(): Batch<A>
  /** Resolves once no batch is in flight or waiting. */
  whenIdle(): Promise<void>
}

/** What the checkpoint does to the sink's stage: the ledger verbs of its batch being filled. @internal */
export interface WebhookStage {
  readonly name: string
  readonly checkpoints: Checkpointer | undefined
  uncommitted(count: number): void
  reopen(count: number): void
}

/** @internal */
export class WebhookCheckpoint<A> {
  private runId: string | undefined
  /** Batches cut so far in the logical run: the next one's number. */
  private batches = 0

  private constructor(
    private readonly checkpoints: Checkpointer,
    private readonly stage: WebhookStage,
    private readonly access: WebhookSinkAccess<A>,
  ) {}

  /** The checkpoint side of a webhook sink, when its run takes checkpoints. */
  static of<A>(
    stage: WebhookStage,
    access: WebhookSinkAccess<A>,
  ): WebhookCheckpoint<A> | undefined {
    const checkpoints = stage.checkpoints
    if (checkpoints === undefined) return undefined
    const sink = new WebhookCheckpoint(checkpoints, stage, access)
    checkpoints.registerSink(stage.name, {
      // No file of its own: the operators' journal goes to the system's temporary folder.
      target: join(tmpdir(), 'powerflow-webhook'),
      needsRunId: true,
      flush: () => sink.park(),
      writesDone: () => access.whenIdle(),
      // Its count of records in flight is unknown to the ledger's barrier: a checkpoint waits
      // for a quiet run (every request answered, the batch being filled parked), then saves.
      barrier: () => ({ records: -1, saved: sink.saved(), durable: () => Promise.resolve() }),
    })
    return sink
  }

  /**
   * Reads the run id, and resuming, the numbering and the batch being filled of the checkpoint:
   * that batch is returned, for the sink to go on filling.
   */
  async open(): Promise<Batch<A> | undefined> {
    this.runId = await this.checkpoints.runId()
    const saved = await this.checkpoints.resumedSink(this.stage.name)
    if (saved === undefined) return undefined
    if (isSavedFileSink(saved))
      throw new Error(
        `${this.stage.name}: the checkpoint holds a file sink's part, not this sink's`,
      )
    this.batches = saved.batches
    const batch = emptyBatch<A>(saved.pendingKey)
    for (const part of saved.pending) {
      batch.records.push(JSON.parse(part) as A)
      batch.parts.push(part)
      batch.bytes += Buffer.byteLength(part) + 1
    }
    batch.parked = batch.records.length
    if (batch.parked !== this.checkpoints.resumedUncommitted)
      throw new Error(
        `${this.stage.name}: the checkpoint saved ${saved.pending.length} records of the batch being filled but counts ${this.checkpoints.resumedUncommitted}; delete the state key to start the run over`,
      )
    return batch
  }

  /**
   * `batch` was cut and goes to be sent: it gets the next number and, unless the input gave it a
   * key, the key `<run id>-<number>`; its records saved by a checkpoint are open again.
   */
  cut(batch: Batch<A>): void {
    const number = this.batches
    this.batches += 1
    if (batch.key === undefined) batch.idempotencyKey = `${this.runId as string}-${number}`
    this.stage.reopen(batch.parked)
    batch.parked = 0
  }

  /** The final checkpoint, once every batch was answered (see Checkpointer.beforeCommit). */
  beforeCommit(): Promise<void> {
    return this.checkpoints.beforeCommit()
  }

  /** The checkpoint keeps the batch being filled: its records leave the budget, uncommitted. */
  private park(): void {
    const batch = this.access.current()
    const fresh = batch.records.length - batch.parked
    if (fresh <= 0) return
    this.stage.uncommitted(fresh)
    batch.parked = batch.records.length
  }

  private saved(): SavedWebhookSink {
    const batch = this.access.current()
    return {
      kind: 'webhook',
      batches: this.batches,
      pending: [...batch.parts],
      ...(batch.key === undefined ? {} : { pendingKey: batch.key }),
    }
  }
}
