/** Scenario 8 with PowerFlow: fromHubSpot (contacts, listed) → toCsv, rate limit off. */
import { pipe } from 'fp-ts/lib/function.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { fromHubSpot, hubspot } from '../../src/integrations/hubspot/index.js'
import type { Job, JobResult } from '../jobs.js'
import { CONTACT_PROPERTIES, local } from '../hubspotLocal.js'

export async function run(job: Job): Promise<JobResult> {
  const crm = hubspot({
    accessToken: local.token,
    basePath: local.url,
    rateLimit: false,
    searchRateLimit: false,
  })
  const report = await pipe(
    fromHubSpot(crm, 'contacts', { properties: [...CONTACT_PROPERTIES] }),
    toCsv(job.output, { highWaterMark: job.highWaterMark }),
  )
  await local.close()
  return { rowsOut: report.written, details: { failed: report.failed } }
}
