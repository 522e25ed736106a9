/** Scenario 5 with PowerFlow: scenario 2 without the dedupe (fromCsv → filter → map → toCsv). */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { clean, keep, type Job, type JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const report = await pipe(
    fromCsv(job.input),
    filter(keep),
    map(clean),
    toCsv(job.output, { highWaterMark: job.highWaterMark }),
  )
  return { rowsOut: report.written, details: { failed: report.failed } }
}
