/** Scenario 12's baseline: the same hashRow map, inline on the main thread (PowerFlow's map). */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { map } from '../../src/operators/map.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import type { Job, JobResult } from '../jobs.js'
// @ts-expect-error: a plain JavaScript module, shared with the worker side
import hashRow from '../scenarios/hashRow.mjs'

export async function run(job: Job): Promise<JobResult> {
  const count = defineSink<unknown>({ name: 'count', write: () => undefined })
  const report = await pipe(
    fromCsv(job.input),
    map((row: Record<string, string>) => (hashRow as (row: unknown) => unknown)(row)),
    count({ highWaterMark: job.highWaterMark }),
  )
  return { rowsOut: report.written, details: { failed: report.failed } }
}
