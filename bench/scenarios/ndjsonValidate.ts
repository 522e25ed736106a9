/** Scenario 4 with PowerFlow: fromJson NDJSON → validate (the same io-ts codec) → toJson NDJSON. */
import { pipe } from 'fp-ts/lib/function.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { validate } from '../../src/operators/validate.js'
import { toJson } from '../../src/sinks/toJson.js'
import { CrmRecord, type Job, type JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const report = await pipe(
    fromJson(job.input, { format: 'ndjson' }),
    validate(CrmRecord),
    toJson(job.output, { format: 'ndjson', highWaterMark: job.highWaterMark }),
  )
  return { rowsOut: report.written, details: { failed: report.failed } }
}
