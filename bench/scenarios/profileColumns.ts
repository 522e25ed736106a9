/** Scenario 7 with PowerFlow: fromCsv → profile() of every column (10: the CRM nine and `stage`) → toCsv. */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { profile } from '../../src/operators/profile.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import type { Job, JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const report = await pipe(
    fromCsv(job.input),
    profile(),
    toCsv(job.output, { highWaterMark: job.highWaterMark }),
  )
  const columns = Object.values(report.profiles?.['profile']?.columns ?? {})
  const id = report.profiles?.['profile']?.columns['id']
  return {
    rowsOut: report.written,
    details: {
      failed: report.failed,
      profiledColumns: columns.length,
      // the distinct estimate's error on the id column, whose values are all distinct
      distinctErrorPct:
        id === undefined ? 'n/a' : Math.round((Math.abs(id.distinct - id.count) / id.count) * 10_000) / 100,
    },
  }
}
