/**
 * A webhook batch: records that go out in one request, with their JSON texts and size, and the
 * request body made of them.
 *
 * @internal
 * @packageDocumentation
 */
import type { WebhookSettings } from './options.js'

/** Records sent in one request. @internal */
export interface Batch<A> {
  /** The idempotency key the input gave its records, if any. */
  readonly key: string | undefined
  readonly records: A[]
  /** Each record's JSON text. */
  readonly parts: string[]
  /** The size of the body as a JSON array so far, in bytes. */
  bytes: number
  /**
   * The key it is sent under when the input gave none: with checkpoints, `<run id>-<n>`, the same
   * across resumes (see webhookCheckpoint); otherwise absent, and each batch gets a fresh one.
   */
  idempotencyKey?: string
  /** Its first records a checkpoint saved (uncommitted in the ledger) while it was being filled. */
  parked: number
}

/** A batch of no records yet (its `bytes` count the brackets of the array). @internal */
export function emptyBatch<A>(key: string | undefined): Batch<A> {
  return { key, records: [], parts: [], bytes: 2, parked: 0 }
}

/**
 * The request body of `batch`: the `body` option's envelope when there is one, the record itself
 * when records go one per request, else a JSON array of the records. Throws what `body` throws.
 *
 * @internal
 */
export function bodyOf<A>(batch: Batch<A>, settings: WebhookSettings<A>): string {
  if (settings.body !== undefined) return JSON.stringify(settings.body(batch.records)) ?? 'null'
  if (settings.batchSize === 1 && batch.parts.length === 1) return batch.parts[0] as string
  return `[${batch.parts.join(',')}]`
}
