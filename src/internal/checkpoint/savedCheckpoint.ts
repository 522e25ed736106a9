/**
 * What a checkpoint keeps under the run's `state` key, beside the positions of the last completed
 * run: the ledger and each stage's figures at that moment, the source's position, the sink's part
 * (a file sink's durable prefix, a webhook sink's batch numbering) and the journal of operator
 * state. Reading it back checks its shape: a document that is not one is an error naming the key,
 * never a fresh start.
 *
 * @internal
 * @packageDocumentation
 */
import type { LedgerFigures } from '../run/Ledger.js'
import type { StageFigures } from '../run/StageStats.js'

/** A stage's figures at the checkpoint. @internal */
export type SavedStage = StageFigures

/**
 * The run's ledger at the checkpoint (nothing was open then; `held` records are in the operators' saved state); `uncommitted` are the
 * records in the file sink's temporary file, durable up to `SavedFileSink.bytes`. @internal
 */
export type SavedLedger = LedgerFigures

/** A file sink's part of a checkpoint. @internal */
export interface SavedFileSink {
  /** The temporary file, and how many of its bytes were fsynced at the checkpoint. */
  readonly path: string
  readonly bytes: number
  /** Its inode: after a rename it is the target's, which tells a commit that happened. */
  readonly ino: number
  /** The sink's counters (records received and accepted by its format). */
  readonly received: number
  readonly accepted: number
  /** The format's own state (the CSV header written, its columns). */
  readonly format: unknown
}

/**
 * A webhook sink's part of a checkpoint: how many batches it cut (the next batch's number, part
 * of its idempotency key) and the batch it was filling, not sent yet — saved here instead, so a
 * resume cuts its batches where an uninterrupted run does (see `webhook/webhookCheckpoint.ts`).
 */
export interface SavedWebhookSink {
  readonly kind: 'webhook'
  readonly batches: number
  /** The JSON texts of the records of the batch being filled. */
  readonly pending: readonly string[]
  /** The idempotency key the input gave them (the `idempotencyKey` option), if any. */
  readonly pendingKey?: string
}

/** A sink's part of a checkpoint. @internal */
export type SavedSink = SavedFileSink | SavedWebhookSink

/** Whether `saved` is a file sink's part. @internal */
export function isSavedFileSink(saved: SavedSink): saved is SavedFileSink {
  return !('kind' in saved)
}

/** @internal */
export interface SavedCheckpoint {
  readonly version: 1
  /** When it was taken (ISO 8601). */
  readonly at: string
  /**
   * Taken after the input ended and the output was complete, just before the commit: a run
   * resumed from it reads nothing and only commits.
   */
  readonly final: boolean
  readonly ledger: SavedLedger
  readonly stages: Readonly<Record<string, SavedStage>>
  /** Each source's position after its last settled record, by stage name. */
  readonly sources: Readonly<Record<string, unknown>>
  readonly sinks: Readonly<Record<string, SavedSink>>
  /** The operators' state journal and its durable length. */
  readonly journal: { readonly path: string; readonly bytes: number }
  /** In a final checkpoint: the positions the `state` option saves at the commit. */
  readonly statePositions?: Readonly<Record<string, unknown>>
}

/**
 * Records settled at the checkpoint: with an outcome, or saved by the sink (in the file's durable
 * part, in a webhook's batch being filled). @internal
 */
export function settledAt(checkpoint: SavedCheckpoint): number {
  const { written, dropped, merged, failed, uncommitted } = checkpoint.ledger
  return written + dropped + merged + failed + uncommitted
}

/**
 * The checkpoint in a state document, if it holds one; an error naming `key` if what is there
 * is not a checkpoint.
 *
 * @internal
 */
export function checkpointIn(document: unknown, key: string): SavedCheckpoint | undefined {
  if (typeof document !== 'object' || document === null) return undefined
  const saved = (document as { checkpoint?: unknown }).checkpoint
  if (saved === undefined) return undefined
  const candidate = saved as Partial<SavedCheckpoint> | null
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.version !== 1 ||
    typeof candidate.at !== 'string' ||
    typeof candidate.ledger !== 'object' ||
    typeof candidate.sources !== 'object' ||
    typeof candidate.sinks !== 'object' ||
    typeof candidate.journal?.path !== 'string'
  )
    throw new Error(
      `the state ${JSON.stringify(key)} holds a checkpoint this version cannot read; delete the key to start the run over`,
    )
  return candidate as SavedCheckpoint
}
