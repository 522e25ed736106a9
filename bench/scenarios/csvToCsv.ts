/** Scenario 1 with PowerFlow: fromCsv → toCsv. */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import type { Job, JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const report = await pipe(
    fromCsv(job.input),
    toCsv(job.output, { highWaterMark: job.highWaterMark }),
  )
  return { rowsOut: report.written, details: { failed: report.failed } }
}
