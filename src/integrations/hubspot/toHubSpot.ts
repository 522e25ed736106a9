import type { Sink } from '../../core/Sink.js'
import type { RunOptions } from '../../core/RunOptions.js'
import { RunError } from '../../core/RunError.js'
import { failure } from '../../core/Failure.js'
import { ConcurrencyPool } from '../../internal/ConcurrencyPool.js'
import { runSink } from '../../internal/runSink.js'
import type { StageHandle } from '../../internal/run/StageHandle.js'
import type { HubSpotConnection } from './HubSpotConnection.js'
import { apiOf, errorBody, HubSpotCallError, type HubSpotApi } from './internal/HubSpotApi.js'
import { HubSpotStats } from './HubSpotStats.js'
import { RECORD_FIELDS } from './flatRecord.js'

/**
 * What {@link toHubSpot} does with each record.
 *
 * @category integrations
 * @since 0.2.0
 */
export type HubSpotOperation = 'create' | 'update' | 'upsert' | 'archive'

/**
 * Options of {@link toHubSpot}: the run's options, the operation and the batching.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface ToHubSpotOptions extends RunOptions {
  /** `create` (default), `update` (by `id`), `upsert` (by `idProperty`) or `archive` (by `id`). */
  readonly operation?: HubSpotOperation
  /**
   * The unique property that addresses an object: required for `upsert` (such as `email` for
   * contacts); for `update`, instead of the object id. The record's field of that name holds the
   * value.
   */
  readonly idProperty?: string
  /** Records per call (default and most: 100). */
  readonly batchSize?: number
  /** Calls in flight at once (default 2); the connection's rate limiter still applies. */
  readonly concurrency?: number
}

interface BatchInput {
  readonly id?: string
  readonly idProperty?: string
  readonly properties?: Record<string, string>
  readonly objectWriteTraceId?: string
  readonly associations?: []
}

interface Batch<A> {
  readonly records: A[]
  readonly inputs: BatchInput[]
}

interface BatchAnswer {
  readonly results?: ReadonlyArray<{ readonly id?: string; readonly objectWriteTraceId?: string }>
  readonly errors?: ReadonlyArray<{
    readonly category?: string
    readonly message?: string
    readonly context?: Readonly<Record<string, readonly string[]>>
  }>
}

/** Properties HubSpot sets itself and refuses to be given (a source's records carry them). */
const READ_ONLY = new Set([
  'hs_object_id',
  'createdate',
  'lastmodifieddate',
  'hs_createdate',
  'hs_lastmodifieddate',
])

/** Statuses with which HubSpot refuses a whole batch because of what is in it. */
const REFUSED = new Set([400, 409, 422])

/**
 * Writes flat records to HubSpot — the shape {@link fromHubSpot} emits and CSV rows have: every
 * field but `id`, `createdAt`, `updatedAt`, `archived` and `associations` becomes a property
 * (numbers and booleans as text, `null` as an empty value that clears it); `id` addresses the
 * object for `update` and `archive`, the `idProperty` field for `upsert`. Records go in batches of
 * up to 100 through the batch endpoints, and resolves with the run report.
 *
 * HubSpot answers a batch per record (207 Multi-Status): each record it refused becomes a
 * `SinkError` failure with HubSpot's `category` and message (`details.category`,
 * `details.context`), the rest count as written. When HubSpot refuses a whole batch for what one
 * record holds (400, 409 — a property that does not exist, a contact email that exists already),
 * the batch is split in two and each half sent again, down to the records at fault, so the good
 * ones are still written (`report.hubspot.batchSplits`). A record that cannot become a batch input
 * (no `id` to update, a field holding an object) fails alone without a call.
 *
 * Calls are limited and retried as {@link hubspot} describes; one that still fails (an expired
 * token, HubSpot failing after the retries) fails the run, and the records not yet written are
 * dropped as `aborted`.
 *
 * @example
 * ```ts
 * // @snippet compile-only
 * import { pipe, fromCsv } from 'powerflow-etl'
 * import { hubspot, toHubSpot } from 'powerflow-etl/hubspot'
 *
 * const report = await pipe(
 *   fromCsv('contacts.csv'),
 *   toHubSpot(hubspot(), 'contacts', { operation: 'upsert', idProperty: 'email' }),
 * )
 * console.log(report.written, report.failures.map((failure) => failure.message))
 * ```
 *
 * @param connection - made by {@link hubspot}
 * @param objectType - `contacts`, `companies`, `deals`, `tickets`, or a custom object type
 * @param options - operation, `idProperty`, batching and run options
 * @returns a sink: give it a flow, get the run report
 * @category integrations
 * @since 0.2.0
 */
export function toHubSpot<A extends Readonly<Record<string, unknown>>>(
  connection: HubSpotConnection,
  objectType: string,
  options: ToHubSpotOptions = {},
): Sink<A> {
  const operation = options.operation ?? 'create'
  if (!['create', 'update', 'upsert', 'archive'].includes(operation))
    throw new TypeError(
      `toHubSpot ${objectType}: operation must be create, update, upsert or archive (got ${String(operation)})`,
    )
  if (operation === 'upsert' && (options.idProperty === undefined || options.idProperty === ''))
    throw new TypeError(
      `toHubSpot ${objectType}: upsert needs idProperty, the unique property that finds the object (such as email)`,
    )
  const whole = (name: string, value: number | undefined, most: number): number | undefined => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= most))
      throw new RangeError(
        `toHubSpot ${objectType}: ${name} must be a whole number from 1 to ${most} (got ${value})`,
      )
    return value
  }
  const batchSize = whole('batchSize', options.batchSize, 100) ?? 100
  const concurrency = whole('concurrency', options.concurrency, 64) ?? 2
  const stageName = `toHubSpot ${objectType} ${operation}`

  return (flow) =>
    runSink<A>(flow, stageName, options, (stage) => {
      const hubspotStats = HubSpotStats.of(stage.sections)
      const controller = new AbortController()
      let current: Batch<A> = { records: [], inputs: [] }
      const size = Math.max(1, Math.min(batchSize, Math.floor(stage.highWaterMark / 2)))
      const writer = new BatchWriter<A>(
        connection,
        objectType,
        operation,
        stageName,
        stage,
        hubspotStats,
        controller.signal,
      )

      const batches = ConcurrencyPool.ofPromises<Batch<A>>(
        concurrency,
        (batch) => (controller.signal.aborted ? undefined : writer.deliver(batch)),
        stage,
      )
      const flush = (): void => {
        if (current.records.length === 0) return
        const full = current
        current = { records: [], inputs: [] }
        batches.submit(full)
      }
      const stopFlushingOnStall = stage.onStall(flush)

      return {
        write(record) {
          const input = inputOf(record, operation, options.idProperty)
          current.records.push(record)
          current.inputs.push(input)
          if (current.records.length >= size) flush()
        },
        async end() {
          flush()
          await batches.whenIdle()
          stopFlushingOnStall()
        },
        async abort() {
          stopFlushingOnStall()
          batches.clear()
          controller.abort()
          await batches.whenIdle()
        },
      }
    })
}

/** Sends batches and settles their records; splits the batches HubSpot refuses whole. */
class BatchWriter<A> {
  private readonly api: HubSpotApi

  constructor(
    private readonly connection: HubSpotConnection,
    private readonly objectType: string,
    private readonly operation: HubSpotOperation,
    private readonly stageName: string,
    private readonly stage: StageHandle,
    private readonly hubspotStats: HubSpotStats,
    private readonly signal: AbortSignal,
  ) {
    this.api = apiOf(connection)
  }

  async deliver(batch: Batch<A>): Promise<void> {
    // Each input's trace id is its place in this batch, so HubSpot's answer maps back to it.
    const inputs = batch.inputs.map((input, index) =>
      this.operation === 'archive' ? input : { ...input, objectWriteTraceId: String(index) },
    )
    let answer: BatchAnswer | undefined
    try {
      answer = await this.send(inputs, batch.records.length)
    } catch (error) {
      if (this.signal.aborted || this.stage.stopped) return
      if (error instanceof HubSpotCallError && REFUSED.has(error.status ?? 0)) {
        if (batch.records.length > 1) {
          this.hubspotStats.batchSplits += 1
          const half = Math.ceil(batch.records.length / 2)
          await this.deliver(part(batch, 0, half))
          await this.deliver(part(batch, half, batch.records.length))
          return
        }
        const { category, message } = errorBody(error.body)
        this.fail(
          batch.records[0] as A,
          inputs[0] as BatchInput,
          category,
          message ?? error.message,
          {
            status: error.status,
          },
        )
        return
      }
      this.stage.fault(
        new RunError(error instanceof Error ? error.message : String(error), undefined, {
          cause: error,
        }),
      )
      return
    }
    this.settle(batch, inputs, answer)
  }

  private send(inputs: BatchInput[], count: number): Promise<BatchAnswer | undefined> {
    const api = this.connection.client.crm.objects.batchApi
    const what = `${this.stageName}: a batch of ${count} record${count === 1 ? '' : 's'}`
    type Body<K extends keyof typeof api> = Parameters<(typeof api)[K]>[1]
    const call = <T>(
      request: () => Promise<{ httpStatusCode: number; headers: Record<string, string>; data: T }>,
    ) => this.api.call(what, 'general', this.hubspotStats, this.signal, request)
    switch (this.operation) {
      case 'create':
        return call(() =>
          api.createWithHttpInfo(this.objectType, { inputs } as unknown as Body<'create'>),
        )
      case 'update':
        return call(() =>
          api.updateWithHttpInfo(this.objectType, { inputs } as unknown as Body<'update'>),
        )
      case 'upsert':
        return call(() =>
          api.upsertWithHttpInfo(this.objectType, { inputs } as unknown as Body<'upsert'>),
        )
      case 'archive':
        return call(() =>
          api.archiveWithHttpInfo(this.objectType, {
            inputs: inputs.map((input) => ({ id: input.id as string })),
          }),
        ).then(() => undefined)
    }
  }

  /** Maps HubSpot's per-record answer back to the records: refused ones fail, the rest are written. */
  private settle(
    batch: Batch<A>,
    inputs: readonly BatchInput[],
    answer: BatchAnswer | undefined,
  ): void {
    const refused = new Map<number, { category?: string; message?: string; context?: unknown }>()
    const unplaced: Array<{ category?: string; message?: string }> = []
    for (const error of answer?.errors ?? []) {
      const traces = error.context?.['objectWriteTraceId'] ?? []
      const ids = new Set(error.context?.['ids'] ?? [])
      let placed = false
      inputs.forEach((input, index) => {
        if (traces.includes(String(index)) || (input.id !== undefined && ids.has(input.id))) {
          refused.set(index, error)
          placed = true
        }
      })
      if (!placed) unplaced.push(error)
    }
    // Newer answers echo the trace id in each result: a record with neither result nor error
    // was not written.
    const traced = (answer?.results ?? []).filter(
      (result) => result.objectWriteTraceId !== undefined,
    )
    const written = new Set(traced.map((result) => result.objectWriteTraceId))
    let count = 0
    batch.records.forEach((record, index) => {
      const error = refused.get(index)
      if (error !== undefined) {
        this.fail(
          record,
          inputs[index] as BatchInput,
          error.category,
          error.message,
          error.context === undefined ? {} : { context: error.context },
        )
      } else if (traced.length > 0 && !written.has(String(index)) && unplaced.length > 0) {
        const first = unplaced[0]
        this.fail(record, inputs[index] as BatchInput, first?.category, first?.message, {})
      } else count += 1
    })
    if (count > 0) this.stage.write(count)
  }

  private fail(
    record: A,
    input: BatchInput,
    category: string | undefined,
    message: string | undefined,
    details: Record<string, unknown>,
  ): void {
    if (this.stage.stopped) return
    this.stage.failHere(
      failure('SinkError', {
        stage: this.stageName,
        reason: `HubSpot refused the record${category === undefined ? '' : ` (${category})`}: ${this.api.redactor.text(message ?? 'no reason given')}`,
        record,
        ...(input.id === undefined ? {} : { location: { recordId: input.id } }),
        details: { ...(category === undefined ? {} : { category }), ...details },
      }),
    )
  }
}

function part<A>(batch: Batch<A>, from: number, to: number): Batch<A> {
  return { records: batch.records.slice(from, to), inputs: batch.inputs.slice(from, to) }
}

/** The batch input of a flat record; throws (the record fails alone) when it cannot be one. */
function inputOf(
  record: Readonly<Record<string, unknown>>,
  operation: HubSpotOperation,
  idProperty: string | undefined,
): BatchInput {
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    throw new TypeError('the record is not an object of fields')
  const text = (field: string): string | undefined => {
    const value = record[field]
    return value === undefined || value === null || value === '' ? undefined : String(value)
  }
  if (operation === 'archive') {
    const id = text('id')
    if (id === undefined) throw new TypeError('archive needs the record id in field id')
    return { id }
  }
  const properties = propertiesOf(record)
  switch (operation) {
    case 'create':
      return { properties, associations: [] }
    case 'update': {
      const field = idProperty ?? 'id'
      const id = text(field)
      if (id === undefined)
        throw new TypeError(`update needs the record's ${field} (field ${field})`)
      return idProperty === undefined ? { id, properties } : { id, idProperty, properties }
    }
    case 'upsert': {
      const field = idProperty as string
      const id = text(field)
      if (id === undefined) throw new TypeError(`upsert needs a value in field ${field}`)
      return { id, idProperty: field, properties }
    }
  }
}

function propertiesOf(record: Readonly<Record<string, unknown>>): Record<string, string> {
  const properties: Record<string, string> = {}
  for (const [field, value] of Object.entries(record)) {
    if (RECORD_FIELDS.has(field) || READ_ONLY.has(field) || value === undefined) continue
    if (value === null) properties[field] = ''
    else if (value instanceof Date) properties[field] = value.toISOString()
    else if (typeof value === 'object')
      throw new TypeError(
        `field ${field} holds an object; HubSpot properties are text, numbers, booleans or dates`,
      )
    else properties[field] = String(value)
  }
  return properties
}
