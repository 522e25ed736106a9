/**
 * crm-to-postgres: deals pulled page by page from a CRM's REST API and upserted into PostgreSQL,
 * then read back incrementally — the way a nightly sync keeps a reporting table up to date.
 *
 *   npx tsx examples/crm-to-postgres.ts [postgres://user@host:5432/db]
 *
 * The "CRM" is a small local HTTP server serving the sample deals (examples/data/deals.csv) as
 * JSON pages with a cursor, so the example runs anywhere a PostgreSQL does (by default
 * postgres://postgres@127.0.0.1:5432/test). The deals are validated and upserted into
 * `crm.deals` (created from the Deal codec the first time); a second sync of the same pages
 * updates rows instead of duplicating them. Then fromPostgres reads the deals closed since a
 * bookmark, and the report's `bookmark` is where the next incremental read starts.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'
 * and 'powerflow-etl/postgres'.)
 */
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import Papa from 'papaparse'
import {
  fromHttp,
  pipe,
  toArray,
  type Bookmark,
  type DatabaseReport,
  type RunReport,
} from '../src/index.js'
import { fromPostgres, toPostgres } from '../src/integrations/postgres/index.js'
import { dataFile } from './shared/paths.js'
import { Deal, validateDeals } from './shared/deals.js'

export interface CrmToPostgresOptions {
  /** The database (default postgres://postgres@127.0.0.1:5432/test). */
  readonly connection?: string
  /** The schema of the `deals` table (default `crm`); created when missing. */
  readonly schema?: string
  /** Print nothing. */
  readonly quiet?: boolean
}

export interface CrmToPostgresResult {
  /** The report of the first sync, and of the second one (same pages: updates only). */
  readonly first: RunReport
  readonly second: RunReport
  /** Deals closed after the bookmark, read back incrementally. */
  readonly recent: ReadonlyArray<Record<string, unknown>>
  readonly bookmark: Bookmark
}

/** A stand-in for a CRM: the sample deals as JSON, 50 per page, with a `next` cursor. */
async function startCrm(): Promise<{ server: Server; url: string }> {
  const text = await readFile(dataFile('deals.csv'), 'utf8')
  const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data
  const server = createServer((request, response) => {
    const cursor = Number(new URL(request.url ?? '/', 'http://crm').searchParams.get('cursor') ?? 0)
    const page = rows.slice(cursor, cursor + 50)
    const next = cursor + 50 < rows.length ? String(cursor + 50) : null
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ results: page, paging: { next } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { server, url: `http://127.0.0.1:${port}/crm/v3/deals` }
}

export async function main(options: CrmToPostgresOptions = {}): Promise<CrmToPostgresResult> {
  const connection = options.connection ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schema = options.schema ?? 'crm'
  const table = `${schema}.deals`
  const crm = await startCrm()
  try {
    const pg = (await import('pg')).default
    const client = new pg.Client(connection)
    await client.connect()
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`)
    await client.end()

    const sync = (): Promise<RunReport> =>
      pipe(
        fromHttp(crm.url, {
          recordsPath: 'results',
          pagination: { by: 'cursor', cursorPath: 'paging.next', cursorParam: 'cursor' },
        }),
        validateDeals('the CRM'),
        // One transaction per round: COPY into a staging table, then INSERT … ON CONFLICT (id).
        toPostgres(connection, table, {
          mode: 'upsert',
          key: 'id',
          createTable: true,
          schema: Deal,
        }),
      )
    const first = await sync()
    const second = await sync()

    // Incremental read: the deals closed after the last bookmark, in order (id breaks ties).
    const since = new Date('2026-12-01T00:00:00Z')
    const read = await pipe(
      fromPostgres(connection, `SELECT id, region, amount, closed_at FROM ${table}`, [], {
        since: { column: 'closed_at', value: since, tieBreaker: 'id' },
      }),
      toArray(),
    )
    const bookmark = read['bookmark'] as Bookmark

    if (options.quiet !== true) {
      const db = (report: RunReport): DatabaseReport => report['database'] as DatabaseReport
      process.stdout.write(
        [
          '',
          `First sync:  ${first.written} deals (${db(first).inserted} inserted, ${db(first).updated} updated), ${first.failed} rejected`,
          ...first.failures.map((failure) => `  - ${failure.message}`),
          `Second sync: ${second.written} deals (${db(second).inserted} inserted, ${db(second).updated} updated)`,
          `Closed since ${since.toISOString().slice(0, 10)}: ${read.records.length} deals; next bookmark ${String(bookmark.value instanceof Date ? bookmark.value.toISOString() : bookmark.value)}`,
          '',
        ].join('\n'),
      )
    }
    return { first, second, recent: read.records, bookmark }
  } finally {
    crm.server.close()
  }
}

// Run when executed directly, not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const connection = process.argv[2]
  main(connection === undefined ? {} : { connection }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
