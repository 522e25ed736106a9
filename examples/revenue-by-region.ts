/**
 * revenue-by-region: won revenue per region, printed as a table.
 *
 *   npx tsx examples/revenue-by-region.ts
 *
 * Reads examples/data/deals.csv, keeps the valid won deals, and groups them by region with
 * `aggregate`: the number of deals, total revenue, average and largest deal. Aggregation is
 * streaming: one accumulator per region is kept, never the rows, so the same code works on a file
 * of any size.
 *
 * The report accounts for it: each folded deal counts as `merged`, each region row as `created`.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { pathToFileURL } from 'node:url'
import { aggregate, filter, fromCsv, pipe, toArray, type RunReport } from '../src/index.js'
import { dataFile } from './shared/paths.js'
import { validateDeals, type Deal } from './shared/deals.js'

export interface RevenueByRegionOptions {
  /** Print nothing: no progress on stderr, no table on stdout. */
  readonly quiet?: boolean
}

/** One line of the summary: a region and its won deals. */
export interface RegionRevenue {
  readonly region: string
  readonly deals: number
  readonly revenue: number
  readonly average: number
  readonly largest: number
}

export async function main(
  options: RevenueByRegionOptions = {},
): Promise<{ readonly report: RunReport; readonly regions: readonly RegionRevenue[] }> {
  const report = await pipe(
    fromCsv(dataFile('deals.csv')),
    validateDeals('deals.csv'),
    filter((deal: Deal) => deal.stage === 'won', { name: 'won' }),
    // Measures are named `<field>_<measure>`; `names` gives them the names we want to print.
    aggregate({
      groupBy: 'region',
      measures: { id: 'count', amount: ['sum', 'avg', 'max'] },
      names: {
        id_count: 'deals',
        amount_sum: 'revenue',
        amount_avg: 'average',
        amount_max: 'largest',
      },
      name: 'by region',
    }),
    // A handful of group rows: collecting them in memory is fine.
    toArray({ name: 'revenue-by-region', progress: options.quiet !== true }),
  )

  // avg and max are null for an empty group; a region row exists only if it has a deal, so the
  // fallbacks below never apply — they are there for the type checker.
  const regions: RegionRevenue[] = report.records
    .map((row) => ({
      region: row.region,
      deals: row.deals,
      revenue: round(row.revenue),
      average: round(row.average ?? 0),
      largest: round(row.largest ?? 0),
    }))
    .sort((a, b) => b.revenue - a.revenue)

  if (options.quiet !== true) {
    console.log(`\nWon revenue by region (${report.merged} deals in ${regions.length} regions)`)
    // console.table prints an index column; keying the rows by region makes it the region.
    console.table(Object.fromEntries(regions.map(({ region, ...figures }) => [region, figures])))
    // Rows that could not be read or checked are left out of the sums, and said so.
    for (const failure of report.failures) console.log(`left out: ${failure.message}`)
  }
  return { report, regions }
}

/** Cents, so that sums of floating-point amounts print as the money they are. */
function round(amount: number): number {
  return Math.round(amount * 100) / 100
}

// Run when executed directly, not when imported (the test suite imports `main`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
