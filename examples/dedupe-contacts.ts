/**
 * dedupe-contacts: clean a contact list — validate, normalise, remove duplicates.
 *
 *   npx tsx examples/dedupe-contacts.ts [output folder]
 *
 * Reads examples/data/contacts.csv (150 rows exported from a sign-up form), checks each row with
 * an io-ts codec (a plausible email, a whole-number score, an ISO date), writes the rows that fail
 * to a dead-letter file with the reason, lower-cases the emails so that `ADA@EXAMPLE.COM` and
 * `ada@example.com` are one contact, keeps one row per email, and writes a clean CSV to
 * examples/out/contacts.clean.csv.
 *
 * The sample data has rows 20 and 77 with emails that are not emails (`…-at-example.com`) and row
 * 101 with a score of `high`.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as t from 'io-ts'
import {
  DateFromString,
  deadLetter,
  dedupe,
  Email,
  fromCsv,
  IntegerFromString,
  map,
  pipe,
  toCsv,
  toJson,
  TrimmedNonEmptyString,
  validate,
  type RunReport,
} from '../src/index.js'
import { dataFile, defaultOutDir, shown } from './shared/paths.js'

/** A contact as the form exports it: strings in, typed values out. */
const Contact = t.type({
  email: Email,
  first_name: TrimmedNonEmptyString,
  last_name: TrimmedNonEmptyString,
  company: t.string,
  signed_up_at: DateFromString,
  score: IntegerFromString,
})
type Contact = t.TypeOf<typeof Contact>

export interface DedupeContactsOptions {
  /** Where the clean CSV and the dead-letter file go (default: examples/out). */
  readonly outDir?: string
  /** Print nothing: no progress on stderr, no summary on stdout. */
  readonly quiet?: boolean
}

export async function main(options: DedupeContactsOptions = {}): Promise<{
  readonly report: RunReport
  readonly output: string
  readonly rejected: string
}> {
  const outDir = options.outDir ?? defaultOutDir()
  await mkdir(outDir, { recursive: true })
  const output = join(outDir, 'contacts.clean.csv')
  const rejected = join(outDir, 'contacts.rejected.ndjson')

  const report = await pipe(
    fromCsv(dataFile('contacts.csv')),
    // `idField` puts the email in each failure's message: `… record grace.torvalds-at-example.com`.
    validate(Contact, { idField: 'email', name: 'validate contacts.csv' }),
    // Operators never mutate: return a new record with the normalised email.
    map((contact: Contact) => ({ ...contact, email: contact.email.toLowerCase() }), {
      name: 'lower-case email',
    }),
    // The export appends a row each time a contact is edited, so the last row of an email is its
    // latest version: keep that one. (`keep: 'last'` holds one row per email until the end.)
    dedupe({ key: 'email', keep: 'last', name: 'one row per email' }),
    deadLetter(toJson(rejected)),
    toCsv(output, {
      columns: ['email', 'first_name', 'last_name', 'company', 'signed_up_at', 'score'],
      lineEnding: '\n',
      // The file is meant for a spreadsheet: defuse cells like `=HYPERLINK(…)`.
      formulaEscape: true,
      name: 'dedupe-contacts',
      progress: options.quiet !== true,
    }),
  )

  if (options.quiet !== true) {
    console.log(
      `\n${report.written} distinct contacts written to ${shown(output)}` +
        `\n  read ${report.read} · duplicates removed ${report.droppedByReason['duplicate'] ?? 0}` +
        ` · invalid ${report.failed} (in ${shown(rejected)}):`,
    )
    for (const failure of report.failures) console.log(`    - ${failure.message}`)
  }
  return { report, output, rejected }
}

// Run when executed directly, not when imported (the test suite imports `main`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  main(outDir === undefined ? {} : { outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
