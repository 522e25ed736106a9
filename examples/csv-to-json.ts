/**
 * csv-to-json: high-value won deals, from a CRM's CSV export to a JSON file.
 *
 *   npm start                     (runs this file on the bundled sample data)
 *   npx tsx examples/csv-to-json.ts [output folder]
 *
 * The pipeline reads examples/data/deals.csv, checks every row against a codec, keeps the won
 * deals worth 10,000 or more, adds each deal's account from accounts.csv, and writes the result
 * to examples/out/high-value-deals.json. Rows that are broken do not stop the run: they go to a
 * dead-letter file (examples/out/deals.rejected.ndjson) with the reason, and the run report says
 * what happened to every single row.
 *
 * The sample data has two bad rows on purpose: D-0057's amount is `12,5OO` (letters O for zeros)
 * and D-0133 has too few fields.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as t from 'io-ts'
import {
  deadLetter,
  enrich,
  fromCsv,
  lookupTable,
  map,
  pipe,
  toJson,
  TrimmedNonEmptyString,
  validate,
  type RunReport,
} from '../src/index.js'
import { dataFile, defaultOutDir, shown } from './shared/paths.js'
import { keepHighValueWins, validateDeals } from './shared/deals.js'

/** The accounts table: the deals name their account by `account_id`. */
const Account = t.type({
  Id: TrimmedNonEmptyString,
  Name: TrimmedNonEmptyString,
  Industry: t.string,
  Region: t.string,
})

export interface CsvToJsonOptions {
  /** Where the JSON and the dead-letter file go (default: examples/out). */
  readonly outDir?: string
  /** Print nothing: no progress on stderr, no summary on stdout. */
  readonly quiet?: boolean
}

export interface CsvToJsonResult {
  readonly report: RunReport
  /** The JSON array of high-value deals. */
  readonly output: string
  /** The dead-letter file: one JSON line per rejected row, with the reason. */
  readonly rejected: string
  /** What the program printed (or would have printed, when quiet). */
  readonly summary: string
}

export async function main(options: CsvToJsonOptions = {}): Promise<CsvToJsonResult> {
  const outDir = options.outDir ?? defaultOutDir()
  await mkdir(outDir, { recursive: true })
  const output = join(outDir, 'high-value-deals.json')
  const rejected = join(outDir, 'deals.rejected.ndjson')

  // A lookup table is only a description: each run loads it once, before the first deal is
  // joined, and reports its own reading in `report.lookups`.
  const accounts = lookupTable(pipe(fromCsv(dataFile('accounts.csv')), validate(Account)), 'Id', {
    name: 'accounts',
  })

  // Nothing is read until the sink at the end subscribes: `pipe` only wires the stages together.
  const report = await pipe(
    // Every row arrives as Record<string, string>; a row that cannot be parsed (D-0133) arrives
    // as a ParseError naming the file and line, and goes straight through to the dead letters.
    fromCsv(dataFile('deals.csv')),
    // From here on the records are typed `Deal`s: amount is a number, closed_at a Date. A row
    // that does not fit (D-0057) becomes a ValidationError naming its line, the deal and the field.
    validateDeals('deals.csv'),
    keepHighValueWins,
    // `onMissing: 'fail'`: a deal whose account is unknown is a failure, not a silent gap.
    enrich(accounts, { on: 'account_id', prefix: 'account_', onMissing: 'fail' }),
    map(
      (deal) => ({
        id: deal.id,
        name: deal.name,
        account: deal.account_Name,
        industry: deal.account_Industry,
        region: deal.region,
        amount: deal.amount,
        owner: deal.owner,
        closedOn: deal.closed_at.toISOString().slice(0, 10),
      }),
      { name: 'to output row' },
    ),
    // The run's failure policy: keep going, and write every failure to an NDJSON file.
    deadLetter(toJson(rejected)),
    // The sink starts the run. toJson writes to a temporary file that replaces the target only
    // when the run completes, so a crash never leaves half a file behind.
    toJson(output, { pretty: true, name: 'csv-to-json', progress: options.quiet !== true }),
  )

  const summary = summarise(report, { output, rejected })
  if (options.quiet !== true) process.stdout.write(summary)
  return { report, output, rejected, summary }
}

/** A few lines for a human: what came in, what went out, and why the rest did not. */
function summarise(report: RunReport, files: { output: string; rejected: string }): string {
  const reasons = Object.entries(report.droppedByReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ')
  const lines = [
    '',
    `High-value won deals: ${report.written} of ${report.read} rows written to ${shown(files.output)}`,
    `  read ${report.read} · written ${report.written} · dropped ${report.dropped}` +
      `${reasons === '' ? '' : ` (${reasons})`} · failed ${report.failed} · ${report.durationMs} ms`,
  ]
  if (report.failed > 0) {
    lines.push(`  ${report.failed} rows rejected, written to ${shown(files.rejected)}:`)
    for (const failure of report.failures) lines.push(`    - ${failure.message}`)
    if (report.failuresOmitted > 0) lines.push(`    … and ${report.failuresOmitted} more`)
  }
  return `${lines.join('\n')}\n`
}

// Run when executed directly (`npm start`, `npx tsx examples/csv-to-json.ts`), not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  main(outDir === undefined ? {} : { outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
