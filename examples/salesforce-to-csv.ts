/**
 * salesforce-to-csv: copy Salesforce Accounts to a CSV file, then copy only what changed since.
 *
 *   npx tsx examples/salesforce-to-csv.ts [outDir]          (against a local Salesforce stand-in)
 *   SF_INSTANCE_URL=https://acme.my.salesforce.com SF_ACCESS_TOKEN=00D… npx tsx examples/salesforce-to-csv.ts
 *
 * The first run reads every Account with `fromSalesforce`, page by page, into accounts.csv and
 * reports a bookmark: the largest `SystemModstamp` it read. The second run starts from that
 * bookmark (less a one-minute look-back, because rows can commit late with an earlier timestamp)
 * and writes only the Accounts changed since into accounts-changed.csv.
 *
 * Without `SF_` variables in the environment, the program starts the local Salesforce-compatible
 * server the test suite uses, loads examples/data/accounts.csv into it, and edits two Accounts
 * between the runs, so you can watch the second run pick up exactly those.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'
 * and 'powerflow-etl/salesforce'.)
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import Papa from 'papaparse'
import { pipe, toCsv, type Bookmark, type RunReport } from '../src/index.js'
import {
  fromSalesforce,
  salesforce,
  type SalesforceConnection,
} from '../src/integrations/salesforce/index.js'
import { SalesforceServer } from '../test/support/salesforceServer.js'
import { dataFile, defaultOutDir, shown } from './shared/paths.js'

export interface SalesforceToCsvOptions {
  /** Where to write the CSV files (default examples/out). */
  readonly outDir?: string
  /** Use the org in the SF_ variables of this environment instead of the local server. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Print nothing. */
  readonly quiet?: boolean
}

export interface SalesforceToCsvResult {
  readonly full: RunReport
  readonly changed: RunReport
  readonly output: string
  readonly changedOutput: string
  /** The Names of the Accounts the local server edited between the runs (none against an org). */
  readonly edited: readonly string[]
}

const ACCOUNT = { object: 'Account', fields: ['Id', 'Name', 'Industry', 'Region__c'] }
const ONE_MINUTE = 60_000

export async function main(options: SalesforceToCsvOptions = {}): Promise<SalesforceToCsvResult> {
  const env = options.env ?? process.env
  const useOrg = env['SF_INSTANCE_URL'] !== undefined || env['SF_USERNAME'] !== undefined
  const server = useOrg ? undefined : await startLocalOrg()
  const outDir = options.outDir ?? defaultOutDir()
  const say = (text: string): void => {
    if (options.quiet !== true) console.log(text)
  }
  try {
    const org: SalesforceConnection =
      server === undefined
        ? salesforce({ env })
        : salesforce({ instanceUrl: server.url, accessToken: server.accessToken })

    // 1. Everything, ordered by SystemModstamp then Id; the report says where it got to.
    const output = join(outDir, 'accounts.csv')
    const full = await copy(org, output, { field: 'SystemModstamp' })
    say(`${full.written} Accounts → ${shown(output)} · bookmark ${JSON.stringify(full.bookmark)}`)
    say(
      `  API usage ${JSON.stringify(full.salesforce?.apiUsage)} · ${full.salesforce?.requests} requests`,
    )

    // (Local server only: someone edits two Accounts a little later.)
    const edited = server === undefined ? [] : await editTwo(server)

    // 2. Only what changed since the bookmark (less the look-back: expect a few repeats).
    const changedOutput = join(outDir, 'accounts-changed.csv')
    const changed = await copy(org, changedOutput, full.bookmark ?? { field: 'SystemModstamp' })
    say(
      `${changed.written} changed Accounts → ${shown(changedOutput)} · bookmark ${JSON.stringify(changed.bookmark)}`,
    )
    return { full, changed, output, changedOutput, edited }
  } finally {
    await server?.close()
  }
}

function copy(
  org: SalesforceConnection,
  path: string,
  since: { readonly field: string; readonly value?: Bookmark['value'] },
): Promise<RunReport> {
  return pipe(
    fromSalesforce(org, ACCOUNT, { since, lookbackMs: ONE_MINUTE, pageSize: 200 }),
    toCsv(path, { name: 'salesforce-to-csv' }),
  )
}

/** The local stand-in, loaded with the sample accounts, last modified five minutes apart. */
async function startLocalOrg(): Promise<SalesforceServer> {
  const server = await SalesforceServer.start({ pageSize: 200 })
  const text = await readFile(dataFile('accounts.csv'), 'utf8')
  const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data
  const start = Date.now() - 24 * 60 * ONE_MINUTE
  server.insert(
    'Account',
    rows.map((row, index) => ({
      Name: row['Name'],
      Industry: row['Industry'],
      Region__c: row['Region'],
      SystemModstamp: new Date(start + index * 5 * ONE_MINUTE).toISOString().replace('Z', '+0000'),
    })),
  )
  return server
}

async function editTwo(server: SalesforceServer): Promise<string[]> {
  const [first, , third] = server.records('Account')
  const now = new Date().toISOString().replace('Z', '+0000')
  const edited = [first, third].filter((record) => record !== undefined)
  server.insert(
    'Account',
    edited.map((record) => ({ ...record, Industry: 'Technology', SystemModstamp: now })),
  )
  return edited.map((record) => String(record['Name']))
}

// Run when executed directly, not when imported (the test suite imports `main`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  main(outDir === undefined ? {} : { outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
