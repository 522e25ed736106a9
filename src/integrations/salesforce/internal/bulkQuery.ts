/**
 * A Bulk API 2.0 query job read page by page: create the job, poll it with backoff until it is
 * complete, read its CSV results one `maxRecords` page at a time following `Sforce-Locator`, and
 * delete the job at the end — also when the run stops early.
 *
 * jsforce's own bulk2 query reads every page at once and breaks on multi-page results (its issue
 * #1546), so the pages are read here.
 *
 * @internal
 * @packageDocumentation
 */
import Papa from 'papaparse'
import { sleepFor } from '../../../internal/retry.js'
import type { BulkJobInfo, BulkPollOptions } from './bulkJob.js'
import type { SalesforceApi } from './SalesforceApi.js'
import type { PlainRecord, RecordsPage } from './records.js'

/**
 * How a query job is polled and read; when `jobTimeoutMs` has passed the source gives up (and
 * deletes the job).
 *
 * @internal
 */
export interface BulkQueryOptions extends BulkPollOptions {
  /** Records per results page (`maxRecords`). */
  readonly pageSize: number
}

type JobInfo = BulkJobInfo

/** The pages of a Bulk API 2.0 query. Values are strings, empty ones null. @internal */
export async function* bulkPages(
  api: SalesforceApi,
  soql: string,
  options: BulkQueryOptions,
  signal: AbortSignal,
  stage: string,
): AsyncGenerator<RecordsPage> {
  const created = await api.json<JobInfo>(api.dataPath('/jobs/query'), {
    method: 'POST',
    body: JSON.stringify({ operation: 'query', query: soql }),
  })
  const id = created?.id
  if (typeof id !== 'string') throw new Error(`${stage}: the Bulk API did not answer a job id`)
  const jobPath = api.dataPath(`/jobs/query/${id}`)
  try {
    await waitForJob(api, jobPath, options, signal, `${stage} bulk job ${id}`)
    let locator: string | undefined
    let page = 0
    do {
      page += 1
      const query = new URLSearchParams({ maxRecords: String(options.pageSize) })
      if (locator !== undefined) query.set('locator', locator)
      const response = await api.send(`${jobPath}/results?${query.toString()}`, {
        headers: { accept: 'text/csv' },
      })
      yield { records: parseCsv(response.body), bytes: Buffer.byteLength(response.body) }
      const next = response.headers['sforce-locator']
      const text = Array.isArray(next) ? next[0] : next
      const following = text === undefined || text === '' || text === 'null' ? undefined : text
      if (following !== undefined && following === locator)
        throw new Error(
          `${stage} bulk job ${id} page ${page}: the same Sforce-Locator came back; stopped to avoid a loop`,
        )
      locator = following
    } while (locator !== undefined)
  } finally {
    // docs: a finished job's results are kept for 7 days unless deleted.
    await api.send(jobPath, { method: 'DELETE', evenWhenStopped: true }).catch(() => undefined)
  }
}

async function waitForJob(
  api: SalesforceApi,
  jobPath: string,
  options: BulkQueryOptions,
  signal: AbortSignal,
  where: string,
): Promise<void> {
  const started = Date.now()
  let delay = options.pollIntervalMs
  for (;;) {
    const info = await api.json<JobInfo>(jobPath)
    const state = info?.state
    if (state === 'JobComplete') return
    if (state === 'Failed' || state === 'Aborted')
      throw new Error(
        `${where}: the job ended ${state}${info?.errorMessage === undefined ? '' : `: ${info.errorMessage}`}`,
      )
    if (Date.now() - started > options.jobTimeoutMs)
      throw new Error(
        `${where}: not complete after ${options.jobTimeoutMs} ms (state ${String(state)})`,
      )
    await sleepFor(delay, signal)
    delay = Math.min(options.maxPollIntervalMs, delay * 2)
  }
}

/** Bulk results: CSV with a header row; an empty field is a null value. */
function parseCsv(text: string): PlainRecord[] {
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: true })
  const [header, ...rows] = parsed.data
  if (header === undefined) return []
  return rows.map((row) => {
    const record: PlainRecord = {}
    for (let index = 0; index < header.length; index++) {
      const value = row[index]
      record[header[index] as string] = value === undefined || value === '' ? null : value
    }
    return record
  })
}
