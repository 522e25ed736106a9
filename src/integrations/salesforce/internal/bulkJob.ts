/**
 * What Bulk API 2.0 query and ingest jobs share: how a job is polled, and the job's status as the
 * API reports it.
 *
 * @internal
 * @packageDocumentation
 */

/** How a Bulk API 2.0 job is polled. @internal */
export interface BulkPollOptions {
  /** The first wait between status polls; it doubles up to `maxPollIntervalMs`. */
  readonly pollIntervalMs: number
  readonly maxPollIntervalMs: number
  /** How long the job may take before it is given up. */
  readonly jobTimeoutMs: number
}

/** A Bulk API 2.0 job's status, as the API reports it. @internal */
export interface BulkJobInfo {
  readonly id?: string
  readonly state?: string
  readonly errorMessage?: string
}
