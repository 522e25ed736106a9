/** Scenario 9 with PowerFlow: fromSalesforce (REST, page by page) → toCsv. */
import { pipe } from 'fp-ts/lib/function.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { fromSalesforce, salesforce } from '../../src/integrations/salesforce/index.js'
import type { Job, JobResult } from '../jobs.js'
import { ACCOUNT_SOQL, jobRows, startLocalOrg } from '../salesforce.js'

const org = await startLocalOrg(jobRows())
// PowerFlow loads jsforce lazily, at the first login; the baseline imports it with its module.
// Load it here too, so neither side's timing includes loading jsforce.
await import('jsforce')

export async function run(job: Job): Promise<JobResult> {
  try {
    const report = await pipe(
      fromSalesforce(
        salesforce({ instanceUrl: org.url, accessToken: org.accessToken }),
        ACCOUNT_SOQL,
      ),
      toCsv(job.output, { highWaterMark: job.highWaterMark }),
    )
    return {
      rowsOut: report.written,
      details: { failed: report.failed, requests: report.salesforce?.requests ?? 0 },
    }
  } finally {
    org.stop()
  }
}
