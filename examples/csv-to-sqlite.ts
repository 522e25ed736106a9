/**
 * csv-to-sqlite: a CRM's deal export loaded into a local SQLite database, then queried back —
 * no server needed.
 *
 *   npx tsx examples/csv-to-sqlite.ts [output folder]
 *
 * The pipeline reads examples/data/deals.csv, checks every row against the Deal codec, and
 * upserts the deals into the `deals` table of examples/out/crm.db, creating the table from the
 * codec the first time (amount REAL, closed_at TIMESTAMP, …). Running it again updates the same
 * rows instead of adding copies. Then it reads revenue per region back with fromSqlite.
 *
 * The two broken rows of the sample data (D-0057, D-0133) are reported, not loaded.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'
 * and 'powerflow-etl/sqlite'.)
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { fromCsv, pipe, toArray, type DatabaseReport, type RunReport } from '../src/index.js'
import { fromSqlite, toSqlite } from '../src/integrations/sqlite/index.js'
import { dataFile, defaultOutDir, shown } from './shared/paths.js'
import { Deal, validateDeals } from './shared/deals.js'

export interface CsvToSqliteOptions {
  /** Where the database file goes (default: examples/out). */
  readonly outDir?: string
  /** Print nothing. */
  readonly quiet?: boolean
}

export interface RegionRevenue {
  readonly region: string
  readonly deals: number
  readonly revenue: number
}

export interface CsvToSqliteResult {
  readonly report: RunReport
  readonly database: DatabaseReport
  /** The database file. */
  readonly path: string
  /** Won revenue per region, read back from the table, largest first. */
  readonly regions: readonly RegionRevenue[]
}

export async function main(options: CsvToSqliteOptions = {}): Promise<CsvToSqliteResult> {
  const outDir = options.outDir ?? defaultOutDir()
  await mkdir(outDir, { recursive: true })
  const path = join(outDir, 'crm.db')

  // Upsert by id: the table holds each deal once, however often the export is loaded. Each round
  // of rows is one transaction; the report's `database` section says what happened.
  const report = await pipe(
    fromCsv(dataFile('deals.csv')),
    validateDeals('deals.csv'),
    toSqlite(path, 'deals', { mode: 'upsert', key: 'id', createTable: true, schema: Deal }),
  )
  const database = report['database'] as DatabaseReport

  // Reading back: the TIMESTAMP column comes back as Dates, the sums as numbers.
  const read = await pipe(
    fromSqlite(
      path,
      `SELECT region, count(*) AS deals, round(sum(amount), 2) AS revenue
         FROM deals WHERE stage = ? GROUP BY region ORDER BY revenue DESC`,
      ['won'],
    ),
    toArray(),
  )
  const regions = read.records as unknown as RegionRevenue[]

  if (options.quiet !== true) {
    process.stdout.write(
      [
        '',
        `Deals loaded into ${shown(path)}: ${report.written} of ${report.read} rows ` +
          `(${database.inserted} inserted, ${database.updated} updated, ${report.failed} rejected)`,
        ...report.failures.map((failure) => `  - ${failure.message}`),
        'Won revenue by region:',
        ...regions.map(
          (row) =>
            `  ${row.region.padEnd(6)} ${String(row.deals).padStart(4)} deals  ${row.revenue.toFixed(2)}`,
        ),
        '',
      ].join('\n'),
    )
  }
  return { report, database, path, regions }
}

// Run when executed directly, not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  main(outDir === undefined ? {} : { outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
