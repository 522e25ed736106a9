/**
 * Scenario 7's reference: the same PowerFlow pipeline without profile() (fromCsv → toCsv), so the
 * ratio is the share of its throughput a pipeline keeps with every column profiled.
 */
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
