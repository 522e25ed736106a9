/** Scenario 12 with PowerFlow: fromCsv → parallel(hashRow, 2 workers) → count. */
import { fileURLToPath } from 'node:url'
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { parallel } from '../../src/operators/parallel.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import type { Job, JobResult } from '../jobs.js'

const HASH_ROW = fileURLToPath(new URL('./hashRow.mjs', import.meta.url))

export async function run(job: Job): Promise<JobResult> {
  const count = defineSink<unknown>({ name: 'count', write: () => undefined })
  const report = await pipe(
    fromCsv(job.input),
    parallel<Record<string, string>, unknown>(HASH_ROW, { workers: 2 }),
    count({ highWaterMark: job.highWaterMark }),
  )
  return { rowsOut: report.written, details: { failed: report.failed } }
}
