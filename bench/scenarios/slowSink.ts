/**
 * Scenario 6 with PowerFlow: scenario 2 into a sink (defineSink) that accepts 100 records per
 * millisecond. The read-ahead is the run report's `maxInFlight`: records read or created but not
 * yet settled, at most.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import {
  Pace,
  SLOW_SINK_RECORDS_PER_MS,
  clean,
  keep,
  type CleanRow,
  type Job,
  type JobResult,
} from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const pace = new Pace(SLOW_SINK_RECORDS_PER_MS)
  // The baseline's Writable hands over up to its high-water mark per writev; the same budget
  // here: defineSink caps a batch at half the run's high-water mark.
  const toSlowSink = defineSink<CleanRow>({
    name: 'slowSink',
    batchSize: job.highWaterMark,
    write: (batch) => pace.accept(batch.length),
  })
  const report = await pipe(
    fromCsv(job.input),
    filter(keep),
    map(clean),
    dedupe({ key: 'email' }),
    toSlowSink({ highWaterMark: job.highWaterMark }),
  )
  return {
    rowsOut: report.written,
    details: {
      maxReadAhead: report.maxInFlight,
      highWaterMark: job.highWaterMark,
      failed: report.failed,
    },
  }
}
