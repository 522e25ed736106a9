/** The parse-only ceiling, PowerFlow side: fromCsv into a sink that settles each record at once. */
import { fromCsv } from '../../src/sources/fromCsv.js'
import { runSink } from '../../src/internal/runSink.js'
import type { Job, JobResult } from '../jobs.js'

export async function run(job: Job): Promise<JobResult> {
  const report = await runSink(
    fromCsv(job.input),
    'noop',
    { highWaterMark: job.highWaterMark },
    (stage) => ({
      write() {
        stage.write()
      },
      end: async () => undefined,
      abort: async () => undefined,
    }),
  )
  return { rowsOut: report.written, details: { failed: report.failed } }
}
