/** Scenario 2 with PowerFlow: fromCsv → filter → map → dedupe(email) → toCsv. */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { clean, keep, type Job, type JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const report = await pipe(
    fromCsv(job.input),
    filter(keep),
    map(clean),
    dedupe({ key: 'email' }),
    toCsv(job.output, { highWaterMark: job.highWaterMark }),
  )
  const stage = report.stages.find((s) => s.name === 'dedupe')
  const distinctKeys = stage?.details?.['distinctKeys']
  return {
    rowsOut: report.written,
    details: {
      failed: report.failed,
      ...(typeof distinctKeys === 'number' ? { distinctKeys } : {}),
    },
  }
}
