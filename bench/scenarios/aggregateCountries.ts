/** Scenario 3 with PowerFlow: fromCsv → aggregate(country: sum, count, avg, min, max) → toJson. */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { toJson } from '../../src/sinks/toJson.js'
import type { Job, JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const report = await pipe(
    fromCsv(job.input),
    aggregate({ groupBy: 'country', measures: { amount: ['sum', 'count', 'avg', 'min', 'max'] } }),
    toJson(job.output, { highWaterMark: job.highWaterMark }),
  )
  return { rowsOut: report.written, details: { failed: report.failed } }
}
