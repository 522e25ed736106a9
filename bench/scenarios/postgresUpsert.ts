/** Scenario 10 with PowerFlow: fromCsv → toPostgres upsert (COPY into staging, one merge per round). */
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { toPostgres } from '../../src/integrations/postgres/toPostgres.js'
import type { Job, JobResult } from '../jobs.js'
import { BENCH_BATCH_ROWS, BENCH_POSTGRES, freshTable } from '../postgres.js'

export async function run(job: Job): Promise<JobResult> {
  const { table, drop } = await freshTable(job.output)
  try {
    const report = await pipe(
      fromCsv(job.input),
      toPostgres(BENCH_POSTGRES, table, {
        mode: 'upsert',
        key: 'id',
        batchRows: BENCH_BATCH_ROWS,
        highWaterMark: job.highWaterMark,
      }),
    )
    return { rowsOut: report.written, details: { failed: report.failed } }
  } finally {
    await drop()
  }
}
