/**
 * Scenario 15 with PowerFlow: scenario 2 (fromCsv → filter → map → dedupe(email) → toCsv) with a
 * checkpoint every 10,000 records — the temporary file fsynced, dedupe's new keys journalled, the
 * position saved in a fileStateStore — against the same pipeline without (the baseline side).
 */
import { rm } from 'node:fs/promises'
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { fileStateStore } from '../../src/state/fileStateStore.js'
import { clean, keep, type Job, type JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const stateFile = `${job.output}.state.json`
  await rm(stateFile, { force: true })
  const report = await pipe(
    fromCsv(job.input),
    filter(keep),
    map(clean),
    dedupe({ key: 'email' }),
    toCsv(job.output, {
      highWaterMark: job.highWaterMark,
      state: { store: fileStateStore(stateFile), key: 'scenario-15' },
      checkpoint: { everyRecords: 10_000 },
    }),
  )
  await rm(stateFile, { force: true })
  return { rowsOut: report.written, details: { failed: report.failed } }
}
