/**
 * Scenario 9 by hand: jsforce `query` + `queryMore` page by page, each page's records (without
 * `attributes`) written as RFC 4180 lines, waiting for the file stream to drain when it is full.
 */
import jsforce from 'jsforce'
import type { Job, JobResult } from '../jobs.js'
import { ACCOUNT_SOQL, jobRows, startLocalOrg } from '../salesforce.js'
import { EOL, TextOutput, csvCell, csvLine } from './handwritten.js'

const org = await startLocalOrg(jobRows())

export async function run(job: Job): Promise<JobResult> {
  try {
    const connection = new jsforce.Connection({
      instanceUrl: org.url,
      accessToken: org.accessToken,
      version: '65.0',
    })
    const output = new TextOutput(job.output)
    let columns: string[] | undefined
    let rowsOut = 0
    let page = await connection.query<Record<string, unknown>>(ACCOUNT_SOQL)
    for (;;) {
      let text = ''
      for (const { attributes: _attributes, ...record } of page.records) {
        if (columns === undefined) {
          columns = Object.keys(record)
          text += columns.map(csvCell).join(',') + EOL
        }
        text += csvLine(record, columns)
        rowsOut++
      }
      const full = output.write(text)
      if (full !== undefined) await full
      if (page.done || page.nextRecordsUrl === undefined) break
      page = await connection.queryMore<Record<string, unknown>>(page.nextRecordsUrl)
    }
    await output.end()
    return { rowsOut }
  } finally {
    org.stop()
  }
}
