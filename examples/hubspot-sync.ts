/**
 * hubspot-sync: read HubSpot contacts changed since a date, keep one per email, write them to CSV.
 *
 *   npx tsx examples/hubspot-sync.ts [output folder]                 (a local HubSpot-like server)
 *   HUBSPOT_ACCESS_TOKEN=pat-… npx tsx examples/hubspot-sync.ts      (your HubSpot account)
 *
 * Reads the contacts through the search API in ascending order of `lastmodifieddate` (so a run
 * started from the last run's bookmark reads only what changed), lower-cases their emails, keeps
 * the most recently modified contact of each email, and writes them to `hubspot-contacts.csv`. The
 * report says how many were read, how many duplicates were dropped, what HubSpot was asked
 * (`report.hubspot`) and where the next run starts (`report.bookmark`).
 *
 * Without `HUBSPOT_ACCESS_TOKEN` it starts the local HubSpot-compatible server the test suite uses,
 * filled with the contacts of examples/data/contacts.csv (one modified a second after the other, in
 * file order), so you can try it without an account.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'
 * and 'powerflow-etl/hubspot'.)
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  dedupe,
  filter,
  fromCsv,
  map,
  pipe,
  toArray,
  toCsv,
  type Bookmark,
  type RunReport,
} from '../src/index.js'
import {
  fromHubSpot,
  hubspot,
  type HubSpotRecord,
  type HubSpotReport,
} from '../src/integrations/hubspot/index.js'
import { startHubSpotServer, type HubSpotServer } from '../test/support/hubspotServer.js'
import { dataFile, defaultOutDir, shown } from './shared/paths.js'

export interface HubSpotSyncOptions {
  /** Where the CSV goes (default: examples/out). */
  readonly outDir?: string
  /** Read the contacts modified since then (default: all of them). */
  readonly since?: string
  /** The token; default `HUBSPOT_ACCESS_TOKEN`, and without one a local server is started. */
  readonly accessToken?: string
  /** Use the local server even when `HUBSPOT_ACCESS_TOKEN` is set (the test suite does). */
  readonly local?: boolean
  /** Print nothing: no progress on stderr, no summary on stdout. */
  readonly quiet?: boolean
}

export interface HubSpotSyncResult {
  readonly report: RunReport
  readonly output: string
  readonly bookmark: Bookmark | undefined
}

/** When the local server's contacts were modified: one a second from then, in file order. */
export const LOCAL_FIRST_MODIFIED = Date.parse('2026-03-01T09:00:00.000Z')

export async function main(options: HubSpotSyncOptions = {}): Promise<HubSpotSyncResult> {
  const outDir = options.outDir ?? defaultOutDir()
  await mkdir(outDir, { recursive: true })
  const output = join(outDir, 'hubspot-contacts.csv')
  const token =
    options.local === true
      ? undefined
      : (options.accessToken ?? process.env['HUBSPOT_ACCESS_TOKEN'])
  const local = token === undefined ? await startLocalHubSpot() : undefined
  try {
    const crm =
      local === undefined
        ? hubspot({ accessToken: token as string })
        : hubspot({ accessToken: local.token, basePath: local.url })
    const report = await pipe(
      fromHubSpot(crm, 'contacts', {
        properties: ['email', 'firstname', 'lastname', 'company'],
        since: options.since ?? '1970-01-01T00:00:00Z',
      }),
      filter(
        (contact: HubSpotRecord) => typeof contact['email'] === 'string' && contact['email'] !== '',
        {
          name: 'has an email',
        },
      ),
      map((contact) => ({ ...contact, email: String(contact['email']).trim().toLowerCase() }), {
        name: 'lower-case email',
      }),
      // Read in ascending order of modification: the last one of an email is its latest version.
      dedupe({ key: 'email', keep: 'last', name: 'one contact per email' }),
      toCsv(output, {
        columns: ['id', 'email', 'firstname', 'lastname', 'company', 'updatedAt'],
        extraColumns: 'ignore',
        lineEnding: '\n',
        formulaEscape: true,
        name: 'hubspot-sync',
        progress: options.quiet !== true,
      }),
    )
    if (options.quiet !== true) summarise(report, output)
    return { report, output, bookmark: report.bookmark }
  } finally {
    await local?.close()
  }
}

/** The local HubSpot-compatible server, filled with the sample contacts. */
async function startLocalHubSpot(): Promise<HubSpotServer> {
  const server = await startHubSpotServer()
  const rows = await pipe(fromCsv(dataFile('contacts.csv')), toArray<Record<string, string>>())
  server.seed(
    'contacts',
    rows.records.map((row, index) => ({
      properties: {
        email: row['email'] ?? null,
        firstname: row['first_name'] ?? null,
        lastname: row['last_name'] ?? null,
        company: row['company'] ?? null,
      },
      updatedAt: new Date(LOCAL_FIRST_MODIFIED + index * 1000).toISOString(),
    })),
  )
  return server
}

function summarise(report: RunReport, output: string): void {
  const calls = report['hubspot'] as HubSpotReport | undefined
  console.log(
    `\n${report.written} contacts written to ${shown(output)}` +
      `\n  read ${report.read} · without email ${report.droppedByReason['filtered'] ?? 0}` +
      ` · duplicates ${report.droppedByReason['duplicate'] ?? 0}` +
      `\n  HubSpot calls ${calls?.requests ?? 0} (searches ${calls?.searches ?? 0}, retries ${calls?.retries ?? 0})` +
      `\n  next run: since ${report.bookmark?.value ?? '(unchanged)'}`,
  )
}

// Run when executed directly, not when imported (the test suite imports `main`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  main(outDir === undefined ? {} : { outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
