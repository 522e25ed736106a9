/**
 * Writing records: sObject Collections batches of up to 200 (`allOrNone: false`) and Bulk API 2.0
 * ingest jobs, each record's result mapped back to it.
 *
 * @internal
 * @packageDocumentation
 */
import Papa from 'papaparse'
import { failure, type Failure } from '../../../core/Failure.js'
import { sleepFor } from '../../../internal/retry.js'
import type { BulkJobInfo, BulkPollOptions } from './bulkJob.js'
import type { SalesforceApi } from './SalesforceApi.js'
import { parseBulkError, rejected, type RecordError } from './recordErrors.js'

/** What a write does. @internal */
export interface WriteSpec {
  readonly stage: string
  readonly object: string
  readonly operation: 'insert' | 'update' | 'upsert' | 'delete'
  readonly externalIdField: string | undefined
}

/** Where each record's outcome goes. @internal */
export interface Outcomes {
  written(count: number): void
  failed(failure: Failure): void
}

type Fields = Record<string, unknown>

/** The reason a record cannot be sent at all, or undefined. */
function unfit(spec: WriteSpec, record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return 'the record is not an object'
  const fields = record as Fields
  if ((spec.operation === 'update' || spec.operation === 'delete') && !isText(fields['Id']))
    return `${spec.operation} needs the record's Id`
  if (spec.operation === 'upsert') {
    const key = fields[spec.externalIdField as string]
    if (key === undefined || key === null || key === '')
      return `upsert needs the external id field ${spec.externalIdField as string}`
  }
  return undefined
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

function withoutAttributes(record: Fields): Fields {
  if (!('attributes' in record)) return record
  const { attributes: _attributes, ...fields } = record
  return fields
}

interface CollectionResult {
  readonly id?: string | null
  readonly success?: boolean
  readonly errors?: ReadonlyArray<{ statusCode?: string; message?: string; fields?: string[] }>
}

/**
 * The records that can be sent, each with its position in the input; each one that cannot is
 * reported failed, with the reason and its row.
 */
function sendable(
  spec: WriteSpec,
  records: readonly unknown[],
  outcomes: Outcomes,
  firstPosition: number,
): Array<{ record: unknown; position: number }> {
  const fit: Array<{ record: unknown; position: number }> = []
  records.forEach((record, index) => {
    const problem = unfit(spec, record)
    if (problem === undefined) fit.push({ record, position: firstPosition + index })
    else
      outcomes.failed(
        failure('SinkError', {
          stage: spec.stage,
          reason: problem,
          record,
          location: { row: firstPosition + index },
        }),
      )
  })
  return fit
}

/**
 * Sends one sObject Collections request for up to 200 records and reports each record's outcome.
 *
 * @internal
 */
export async function writeCollection(
  api: SalesforceApi,
  spec: WriteSpec,
  records: readonly unknown[],
  outcomes: Outcomes,
  firstPosition: number,
): Promise<void> {
  const sent = sendable(spec, records, outcomes, firstPosition)
  if (sent.length === 0) return
  let results: unknown
  try {
    results = await api.json<unknown>(
      ...collectionRequest(
        api,
        spec,
        sent.map((one) => one.record as Fields),
      ),
    )
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    for (const { record, position } of sent)
      outcomes.failed(
        failure('SinkError', {
          stage: spec.stage,
          reason: `could not write a batch of ${sent.length} records: ${reason}`,
          record,
          location: { row: position },
          details: {
            ...(typeof (error as { status?: unknown }).status === 'number'
              ? { status: (error as { status: number }).status }
              : {}),
            ...(typeof (error as { errorCode?: unknown }).errorCode === 'string'
              ? { errorCode: (error as { errorCode: string }).errorCode }
              : {}),
          },
        }),
      )
    return
  }
  if (!Array.isArray(results) || results.length !== sent.length) {
    for (const { record, position } of sent)
      outcomes.failed(
        failure('SinkError', {
          stage: spec.stage,
          reason: `Salesforce answered ${Array.isArray(results) ? results.length : 'no'} results for ${sent.length} records; the outcome of this record is unknown`,
          record,
          location: { row: position },
        }),
      )
    return
  }
  let written = 0
  sent.forEach(({ record, position }, index) => {
    const result = results[index] as CollectionResult
    if (result.success === true) {
      written += 1
      return
    }
    const first = result.errors?.[0]
    const error: RecordError = {
      statusCode: first?.statusCode ?? 'UNKNOWN_EXCEPTION',
      message: first?.message ?? 'no error given',
      fields: first?.fields ?? [],
    }
    outcomes.failed(rejected(spec.stage, record, position, error, result.id ?? undefined))
  })
  outcomes.written(written)
}

function collectionRequest(
  api: SalesforceApi,
  spec: WriteSpec,
  records: readonly Fields[],
): [string, { method: 'POST' | 'PATCH' | 'DELETE'; body?: string }] {
  if (spec.operation === 'delete') {
    const ids = records.map((record) => record['Id'] as string).join(',')
    return [
      api.dataPath(`/composite/sobjects?ids=${encodeURIComponent(ids)}&allOrNone=false`),
      { method: 'DELETE' },
    ]
  }
  const body = JSON.stringify({
    allOrNone: false,
    records: records.map((record) => ({
      attributes: { type: spec.object },
      ...withoutAttributes(record),
    })),
  })
  if (spec.operation === 'insert')
    return [api.dataPath('/composite/sobjects'), { method: 'POST', body }]
  if (spec.operation === 'update')
    return [api.dataPath('/composite/sobjects'), { method: 'PATCH', body }]
  return [
    api.dataPath(`/composite/sobjects/${spec.object}/${spec.externalIdField as string}`),
    { method: 'PATCH', body },
  ]
}

/** How an ingest job is polled. @internal */
export type IngestOptions = BulkPollOptions

type JobInfo = BulkJobInfo

/**
 * Runs one Bulk API 2.0 ingest job for `records` and reports each record's outcome, matching the
 * successful, failed and unprocessed results back to the rows that were uploaded.
 *
 * @internal
 */
export async function writeIngestJob(
  api: SalesforceApi,
  spec: WriteSpec,
  records: readonly unknown[],
  outcomes: Outcomes,
  firstPosition: number,
  options: IngestOptions,
  signal: AbortSignal,
): Promise<void> {
  const rows: Array<{ record: unknown; position: number; cells: string[] }> = []
  const fit = sendable(spec, records, outcomes, firstPosition)
  if (fit.length === 0) return
  const columns = columnsOf(
    spec,
    fit.map((one) => one.record as Fields),
  )
  for (const one of fit)
    rows.push({ ...one, cells: columns.map((column) => cell((one.record as Fields)[column])) })

  let info: JobInfo | undefined
  let failure_: string | undefined
  try {
    info = await runJob(api, spec, columns, rows, options, signal)
    if (info.state !== 'JobComplete')
      failure_ = `the job ${info.id ?? ''} ended ${info.state ?? 'unknown'}${info.errorMessage === undefined ? '' : `: ${info.errorMessage}`}`
  } catch (error) {
    if (signal.aborted) return
    failure_ = error instanceof Error ? error.message : String(error)
  }

  const pending = new Map<string, Array<{ record: unknown; position: number }>>()
  for (const row of rows) {
    const key = JSON.stringify(row.cells)
    const list = pending.get(key) ?? []
    list.push(row)
    pending.set(key, list)
  }
  const take = (cells: readonly string[]): { record: unknown; position: number } | undefined =>
    pending.get(JSON.stringify(cells))?.shift()

  if (info?.id !== undefined) {
    const jobPath = api.dataPath(`/jobs/ingest/${info.id}`)
    try {
      let written = 0
      for (const row of await csvRows(api, `${jobPath}/successfulResults/`))
        if (take(row.slice(2)) !== undefined) written += 1
      outcomes.written(written)
      for (const row of await csvRows(api, `${jobPath}/failedResults/`)) {
        const match = take(row.slice(2))
        if (match !== undefined)
          outcomes.failed(
            rejected(spec.stage, match.record, match.position, parseBulkError(row[1] ?? '')),
          )
      }
      for (const row of await csvRows(api, `${jobPath}/unprocessedrecords/`)) {
        const match = take(row)
        if (match !== undefined)
          outcomes.failed(
            failure('SinkError', {
              stage: spec.stage,
              reason: `Salesforce did not process the record${failure_ === undefined ? '' : ` (${failure_})`}`,
              record: match.record,
              location: { row: match.position },
            }),
          )
      }
    } catch (error) {
      if (signal.aborted) return
      failure_ ??= `could not read the job's results: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  for (const left of pending.values())
    for (const { record, position } of left)
      outcomes.failed(
        failure('SinkError', {
          stage: spec.stage,
          reason: `no result for the record from the Bulk job${failure_ === undefined ? '' : `: ${failure_}`}`,
          record,
          location: { row: position },
        }),
      )
}

async function runJob(
  api: SalesforceApi,
  spec: WriteSpec,
  columns: readonly string[],
  rows: ReadonlyArray<{ cells: string[] }>,
  options: IngestOptions,
  signal: AbortSignal,
): Promise<JobInfo> {
  const created = await api.json<JobInfo>(api.dataPath('/jobs/ingest'), {
    method: 'POST',
    body: JSON.stringify({
      object: spec.object,
      operation: spec.operation,
      ...(spec.externalIdField === undefined ? {} : { externalIdFieldName: spec.externalIdField }),
      contentType: 'CSV',
      lineEnding: 'LF',
    }),
  })
  const id = created?.id
  if (typeof id !== 'string') throw new Error('the Bulk API did not answer a job id')
  const jobPath = api.dataPath(`/jobs/ingest/${id}`)
  const csv = `${Papa.unparse({ fields: [...columns], data: rows.map((row) => row.cells) }, { newline: '\n' })}\n`
  await api.send(`${jobPath}/batches`, { method: 'PUT', body: csv, contentType: 'text/csv' })
  await api.send(jobPath, { method: 'PATCH', body: JSON.stringify({ state: 'UploadComplete' }) })
  const started = Date.now()
  let delay = options.pollIntervalMs
  for (;;) {
    const info = (await api.json<JobInfo>(jobPath)) ?? {}
    if (info.state === 'JobComplete' || info.state === 'Failed' || info.state === 'Aborted')
      return { ...info, id }
    if (Date.now() - started > options.jobTimeoutMs)
      return {
        id,
        state: info.state ?? 'unknown',
        errorMessage: `not complete after ${options.jobTimeoutMs} ms`,
      }
    await sleepFor(delay, signal)
    delay = Math.min(options.maxPollIntervalMs, delay * 2)
  }
}

async function csvRows(api: SalesforceApi, path: string): Promise<string[][]> {
  const response = await api.send(path, { headers: { accept: 'text/csv' } })
  const parsed = Papa.parse<string[]>(response.body, { header: false, skipEmptyLines: true })
  return parsed.data.slice(1)
}

function columnsOf(spec: WriteSpec, records: readonly Fields[]): string[] {
  if (spec.operation === 'delete') return ['Id']
  const columns = new Set<string>()
  for (const record of records)
    for (const key of Object.keys(record)) if (key !== 'attributes') columns.add(key)
  return [...columns]
}

/** A CSV cell of Bulk API 2.0: empty leaves a field unchanged, `#N/A` sets it to null. */
function cell(value: unknown): string {
  if (value === undefined) return ''
  if (value === null) return '#N/A'
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
