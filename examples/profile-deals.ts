/**
 * profile-deals: what is in the CRM's deal export, before anyone trusts it — and a picture of the
 * run afterwards.
 *
 *   npx tsx examples/profile-deals.ts [output folder]
 *
 * The pipeline profiles every column of examples/data/deals.csv as it arrives (empty values,
 * distinct values, the most frequent ones, the inferred type, ranges and a histogram of the
 * amounts), checks each deal against the codec, profiles the valid deals again (typed this time),
 * and writes them to examples/out/deals.json. The run report, with both profiles, becomes one
 * self-contained page: examples/out/deals.html. Open it in any browser; it loads nothing.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { fromCsv, pipe, profile, toJson, writeHtmlReport, type RunReport } from '../src/index.js'
import { validateDeals } from './shared/deals.js'
import { dataFile, defaultOutDir, shown } from './shared/paths.js'

export interface ProfileDealsOptions {
  /** Where the JSON and the HTML report go (default: examples/out). */
  readonly outDir?: string
  /** Print nothing. */
  readonly quiet?: boolean
}

export interface ProfileDealsResult {
  readonly report: RunReport
  /** The HTML run report. */
  readonly html: string
  /** The valid deals, as JSON. */
  readonly output: string
}

export async function main(options: ProfileDealsOptions = {}): Promise<ProfileDealsResult> {
  const outDir = options.outDir ?? defaultOutDir()
  await mkdir(outDir, { recursive: true })
  const output = join(outDir, 'deals.json')
  const html = join(outDir, 'deals.html')

  const report = await pipe(
    fromCsv(dataFile('deals.csv')),
    // Raw rows: every value is text, yet `amount` is profiled as a number because its values read
    // as numbers (all but one: the deal whose amount is `12,5OO`).
    profile({ name: 'raw deals' }),
    validateDeals('deals.csv'),
    profile({ name: 'valid deals', columns: ['region', 'stage', 'amount', 'closed_at'] }),
    toJson(output, { name: 'profile-deals' }),
  )
  await writeHtmlReport(report, html)

  if (options.quiet !== true) {
    const amount = report.profiles?.['raw deals']?.columns['amount']
    process.stdout.write(
      `Profiled ${report.read} rows: ${report.written} valid deals written to ${shown(output)}\n` +
        (amount === undefined
          ? ''
          : `  amount: ${amount.type} (${(amount.typeShare * 100).toFixed(1)} % fit), ` +
            `${String(amount.min)} to ${String(amount.max)}, median ≈ ${amount.quantiles?.p50.toFixed(0)}\n`) +
        `  the run as one page: ${shown(html)}\n`,
    )
  }
  return { report, html, output }
}

// Run when executed directly, not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  main(outDir === undefined ? {} : { outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
