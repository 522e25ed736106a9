/**
 * Scenario 8 by hand: a paging loop over `@hubspot/api-client` (no limiter, no retries), one flat
 * row per contact, RFC 4180 lines to a write stream — the same rows `fromHubSpot → toCsv` writes.
 */
import { Client } from '@hubspot/api-client'
import type { Job, JobResult } from '../jobs.js'
import { CONTACT_PROPERTIES, local } from '../hubspotLocal.js'
import { EOL, TextOutput, csvCell, csvLine } from './handwritten.js'

export async function run(job: Job): Promise<JobResult> {
  const client = new Client({ accessToken: local.token, basePath: local.url })
  const output = new TextOutput(job.output)
  let columns: string[] | undefined
  let rowsOut = 0
  let after: string | undefined
  do {
    const page = await client.crm.objects.basicApi.getPage('contacts', 100, after, [
      ...CONTACT_PROPERTIES,
    ])
    let text = ''
    for (const contact of page.results) {
      const row = {
        id: contact.id,
        ...contact.properties,
        createdAt: contact.createdAt.toISOString(),
        updatedAt: contact.updatedAt.toISOString(),
        archived: contact.archived === true,
      }
      if (columns === undefined) {
        columns = Object.keys(row)
        text += columns.map(csvCell).join(',') + EOL
      }
      text += csvLine(row, columns)
      rowsOut++
    }
    const full = output.write(text)
    if (full !== undefined) await full
    after = page.paging?.next?.after
  } while (after !== undefined)
  await output.end()
  await local.close()
  return { rowsOut }
}
