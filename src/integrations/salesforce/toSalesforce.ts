import type { Sink } from '../../core/Sink.js'
import type { RunOptions } from '../../core/RunOptions.js'
import { ConcurrencyPool } from '../../internal/ConcurrencyPool.js'
import { runSink } from '../../internal/runSink.js'
import type { SalesforceConnection } from './SalesforceConnection.js'
import { SalesforceApi } from './internal/SalesforceApi.js'
import { runStats } from './internal/SalesforceStats.js'
import {
  writeCollection,
  writeIngestJob,
  type Outcomes,
  type WriteSpec,
} from './internal/writes.js'

/**
 * Options of {@link toSalesforce}: the run's options, the operation, batching and retries.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface ToSalesforceOptions extends RunOptions {
  /** `insert` (default), `update` (records carry `Id`), `upsert` or `delete` (records carry `Id`). */
  readonly operation?: 'insert' | 'update' | 'upsert' | 'delete'
  /** The external id field an upsert matches on, such as `External_Id__c`. */
  readonly externalIdField?: string
  /**
   * `rest` (default): sObject Collections, up to 200 records per request. `bulk`: Bulk API 2.0
   * ingest jobs of `bulkBatchSize` records, for large volumes (fewer API calls, slower to start).
   */
  readonly mode?: 'rest' | 'bulk'
  /** Records per sObject Collections request (1–200, default 200). */
  readonly batchSize?: number
  /** Requests in flight at once in `rest` mode (default 2). */
  readonly concurrency?: number
  /** Records per Bulk ingest job (default 10,000). */
  readonly bulkBatchSize?: number
  /** The first wait between polls of a Bulk job (default 500 ms); it doubles up to 10 s. */
  readonly pollIntervalMs?: number
  /** The longest wait between polls of a Bulk job (default 10 s). */
  readonly maxPollIntervalMs?: number
  /** How long a Bulk job may take (default 1 hour). */
  readonly jobTimeoutMs?: number
  /** Time limit of each request attempt (default 120 s). A timeout is retried. */
  readonly timeoutMs?: number
  /** Retries of a request after its first attempt (default 3): 429, 5xx, network errors. */
  readonly retries?: number
  /** The smallest backoff delay (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). */
  readonly maxDelayMs?: number
  /** The longest `Retry-After` honoured (default 60 s). */
  readonly maxRetryAfterMs?: number
}

const OPERATIONS = ['insert', 'update', 'upsert', 'delete'] as const

/**
 * Writes records to a Salesforce object and resolves with the run report. Records go in batches
 * of up to 200 through the sObject Collections API with `allOrNone: false`, so each record
 * succeeds or fails on its own: a rejected record becomes a `SinkError` failure whose `details`
 * carry Salesforce's `errorCode`, `message` and `fields` (handled by the run's policy, such as
 * `deadLetter`); the others count as written. `mode: 'bulk'` uses Bulk API 2.0 ingest jobs and
 * maps their failed and unprocessed results back to the records the same way.
 *
 * A batch that cannot be sent after the retries (429/5xx/network), or that Salesforce refuses as
 * a whole, fails each of its records with the reason. On abort, requests in flight are cancelled
 * and records not yet written are dropped as `aborted`. Secrets never appear in failures.
 *
 * @example
 * ```ts
 * // @snippet compile-only: needs a Salesforce org (the tests run the same against a local one)
 * import { pipe, fromCsv, deadLetter, toJson } from 'powerflow-etl'
 * import { salesforce, toSalesforce } from 'powerflow-etl/salesforce'
 *
 * const org = salesforce({ instanceUrl: 'https://acme.my.salesforce.com', accessToken: process.env['SF_ACCESS_TOKEN'] ?? '' })
 * const report = await pipe(
 *   fromCsv('contacts.csv'),
 *   deadLetter(toJson('rejected.ndjson', { format: 'ndjson' })),
 *   toSalesforce(org, 'Contact', { operation: 'upsert', externalIdField: 'External_Id__c' }),
 * )
 * // Each rejected record is in rejected.ndjson with details.errorCode, details.message, details.fields.
 * console.log(report.written, report.failed)
 * ```
 *
 * @param connection - the org, from {@link salesforce}
 * @param object - the sObject to write, such as `Account` or `Invoice__c`
 * @param options - operation, mode, batching, retries and run options
 * @returns a sink: give it a flow, get the run report
 * @category integrations
 * @since 0.2.0
 */
export function toSalesforce<A extends object>(
  connection: SalesforceConnection,
  object: string,
  options: ToSalesforceOptions = {},
): Sink<A> {
  const stage = `toSalesforce ${object}`
  const spec = checkOptions(stage, object, options)
  const mode = options.mode ?? 'rest'
  return (flow) =>
    runSink<A>(flow, stage, options, (handle) => {
      const controller = new AbortController()
      const api = new SalesforceApi(
        connection,
        options,
        runStats(handle.sections),
        controller.signal,
        options.concurrency ?? 2,
      )
      // Bulk jobs take their records into custody, so a job can be larger than the budget.
      const fromHeld = mode === 'bulk'
      const outcomes: Outcomes = {
        written(count) {
          if (count <= 0 || handle.stopped) return
          if (fromHeld) handle.writeHeld(count)
          else handle.write(count)
        },
        failed(failure) {
          if (handle.stopped) return
          if (fromHeld) handle.failHeld(failure)
          else handle.failHere(failure)
        },
      }
      const batchSize =
        mode === 'bulk'
          ? (options.bulkBatchSize ?? 10_000)
          : Math.max(1, Math.min(options.batchSize ?? 200, Math.floor(handle.highWaterMark / 2)))
      const concurrency = mode === 'bulk' ? 1 : (options.concurrency ?? 2)
      let current: unknown[] = []
      let position = 1

      const send = (records: unknown[], first: number): Promise<void> =>
        mode === 'bulk'
          ? writeIngestJob(
              api,
              spec,
              records,
              outcomes,
              first,
              {
                pollIntervalMs: options.pollIntervalMs ?? 500,
                maxPollIntervalMs: options.maxPollIntervalMs ?? 10_000,
                jobTimeoutMs: options.jobTimeoutMs ?? 60 * 60_000,
              },
              controller.signal,
            )
          : writeCollection(api, spec, records, outcomes, first)

      const batches = ConcurrencyPool.ofPromises<{ records: unknown[]; first: number }>(
        concurrency,
        (batch) =>
          controller.signal.aborted
            ? undefined
            : send(batch.records, batch.first).catch(() => undefined),
        handle,
      )
      const flush = (): void => {
        if (current.length === 0) return
        const full = { records: current, first: position - current.length }
        current = []
        batches.submit(full)
      }
      // Collections batches hold the run's budget: send a partial one when the source waits.
      // Bulk jobs take their records into custody instead, so they can be larger than the budget.
      const stopFlushingOnStall = mode === 'bulk' ? () => undefined : handle.onStall(flush)
      return {
        write(record) {
          if (fromHeld) handle.hold()
          current.push(record)
          position += 1
          if (current.length >= batchSize) flush()
        },
        async end() {
          flush()
          await batches.whenIdle()
          stopFlushingOnStall()
          await api.close()
        },
        async abort() {
          stopFlushingOnStall()
          batches.clear()
          controller.abort()
          await batches.whenIdle()
          await api.close()
        },
      }
    })
}

function checkOptions(stage: string, object: string, options: ToSalesforceOptions): WriteSpec {
  if (typeof object !== 'string' || !/^[A-Za-z]\w*$/.test(object))
    throw new TypeError(`${stage}: ${JSON.stringify(object)} is not a Salesforce object name`)
  const operation = options.operation ?? 'insert'
  if (!OPERATIONS.includes(operation))
    throw new TypeError(
      `${stage}: operation must be insert, update, upsert or delete (got ${String(operation)})`,
    )
  if (
    operation === 'upsert' &&
    (options.externalIdField === undefined || options.externalIdField === '')
  )
    throw new TypeError(`${stage}: upsert needs externalIdField`)
  if (options.mode !== undefined && options.mode !== 'rest' && options.mode !== 'bulk')
    throw new TypeError(`${stage}: mode must be rest or bulk (got ${String(options.mode)})`)
  const batchSize = options.batchSize ?? 200
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 200))
    throw new TypeError(
      `${stage}: batchSize must be an integer from 1 to 200 (got ${String(batchSize)})`,
    )
  for (const [key, value] of [
    ['concurrency', options.concurrency],
    ['bulkBatchSize', options.bulkBatchSize],
  ] as const)
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      throw new TypeError(`${stage}: ${key} must be a positive integer (got ${String(value)})`)
  return {
    stage,
    object,
    operation,
    externalIdField: operation === 'upsert' ? options.externalIdField : undefined,
  }
}
