/**
 * The benchmark's data: a seeded, deterministic generator of realistic CRM rows, written as CSV
 * (~100 bytes a row) and as NDJSON (typed values) under bench/data/ (git-ignored).
 *
 * Columns: id, email (3% repeat an earlier address, some in other letter case), first_name,
 * last_name (some non-ASCII), country (30 codes), company (some quoted with commas and embedded
 * quotes, some empty), amount (two decimals), created_at (ISO 8601), active ('true'/'false').
 * The NDJSON file carries the same rows with `id`/`amount` as numbers and `active` as a boolean;
 * one row in a thousand has an invalid `amount` (a string) so `validate` has something to reject.
 *
 * Run on its own: `npx tsx bench/generate.ts --rows 1000000`.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Bump when the generated rows change, so cached files are made again. */
const GENERATOR_VERSION = 1
const DEFAULT_SEED = 20260101

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data')

const FIRST_NAMES = [
  'Maria',
  'James',
  'Wei',
  'Fatima',
  'John',
  'Olga',
  'Ahmed',
  'Sofia',
  'Lukas',
  'Emma',
  'Noah',
  'Chloé',
  'Hiroshi',
  'Ana',
  'Mateo',
  'Priya',
  'Liam',
  'Zoë',
  'Ivan',
  'Aisha',
  'Carlos',
  'Mia',
  'Björn',
  'Lucía',
  'David',
  'Sara',
  'Kenji',
  'Elena',
  'Omar',
  'Grace',
]
const LAST_NAMES = [
  'Garcia',
  'Smith',
  'Wang',
  'Müller',
  'Johnson',
  'Ivanova',
  'Hassan',
  'Rossi',
  'Schmidt',
  'Brown',
  'Dubois',
  'Tanaka',
  'Silva',
  'Kowalski',
  'Patel',
  "O'Brien",
  'Nguyen',
  'Jensen',
  'López',
  'Andersson',
  'Kim',
  'Novak',
  'Fischer',
  'Moreau',
  'Yilmaz',
  'Costa',
  'Sato',
  'Wilson',
  'Martin',
  'Okafor',
]
const COUNTRIES = [
  'US',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'SE',
  'NO',
  'DK',
  'FI',
  'PL',
  'CZ',
  'AT',
  'CH',
  'IE',
  'PT',
  'GR',
  'TR',
  'CA',
  'MX',
  'BR',
  'AR',
  'JP',
  'KR',
  'CN',
  'IN',
  'AU',
  'ZA',
]
const COMPANY_PLAIN = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Ltd',
  'Stark Industries',
  'Wayne Enterprises',
  'Hooli',
  'Vandelay Industries',
  'Soylent',
  'Cyberdyne Systems',
  'Tyrell Corporation',
  'Wonka Industries',
  'Monarch Solutions',
  'Blue Sun',
  'Nakatomi Trading',
]
const COMPANY_WITH_COMMA = [
  'Smith, Jones & Co',
  'Dewey, Cheatem and Howe',
  'Sterling, Cooper, Draper',
  'Bolt, Nut, Inc.',
  'Peters, Lang GmbH',
]
const COMPANY_WITH_QUOTE = ['The "Best" Widgets', 'Joe\'s "Famous" Pies, LLC', 'Big "Q" Logistics']
const DOMAINS = ['example.com', 'mail.test', 'corp.example', 'inbox.test', 'company.example']

const START_MS = Date.UTC(2020, 0, 1)
const SPAN_MS = 5 * 365 * 24 * 3600 * 1000

/** mulberry32: small, fast, good enough for test data. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One generated row, as strings (the CSV view). */
export interface CrmRow {
  readonly id: string
  readonly email: string
  readonly first_name: string
  readonly last_name: string
  readonly country: string
  readonly company: string
  readonly amount: string
  readonly created_at: string
  readonly active: string
}

export const COLUMNS: ReadonlyArray<keyof CrmRow> = [
  'id',
  'email',
  'first_name',
  'last_name',
  'country',
  'company',
  'amount',
  'created_at',
  'active',
]

/** The rows, deterministically from `seed`. */
export function* crmRows(rows: number, seed = DEFAULT_SEED): Generator<CrmRow> {
  const next = random(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  // Duplicates repeat an address from a window of recent ones: memory stays small at 5M rows.
  const recent: string[] = []
  const WINDOW = 50_000
  for (let index = 0; index < rows; index++) {
    const id = 100_000 + index
    const first = pick(FIRST_NAMES)
    const last = pick(LAST_NAMES)
    let email: string
    if (recent.length > 0 && next() < 0.03) {
      const earlier = recent[Math.floor(next() * recent.length)] as string
      // A third of the repeats differ in letter case only: lower-casing matters.
      email = next() < 0.33 ? earlier[0]!.toUpperCase() + earlier.slice(1) : earlier
    } else {
      const local = `${first}.${last}${id}`.normalize('NFD').replace(/[^A-Za-z0-9.]/g, '')
      email = `${next() < 0.2 ? local : local.toLowerCase()}@${pick(DOMAINS)}`
      if (recent.length < WINDOW) recent.push(email.toLowerCase())
      else recent[index % WINDOW] = email.toLowerCase()
    }
    const roll = next()
    const company =
      roll < 0.02
        ? ''
        : roll < 0.04
          ? pick(COMPANY_WITH_QUOTE)
          : roll < 0.2
            ? pick(COMPANY_WITH_COMMA)
            : pick(COMPANY_PLAIN)
    // Mostly small amounts, a long tail of large ones.
    const amount = (Math.exp(next() * Math.log(20_000)) - 1 + next()).toFixed(2)
    const created = new Date(START_MS + Math.floor(next() * SPAN_MS)).toISOString()
    yield {
      id: String(id),
      email,
      first_name: first,
      last_name: last,
      country: pick(COUNTRIES),
      company,
      amount,
      created_at: created,
      active: next() < 0.7 ? 'true' : 'false',
    }
  }
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path)
  let buffer = ''
  for (const line of lines) {
    buffer += line
    if (buffer.length >= 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain')
      buffer = ''
    }
  }
  out.end(buffer)
  await once(out, 'finish')
}

function* csvLines(rows: number, seed: number): Generator<string> {
  yield COLUMNS.join(',') + '\n'
  for (const row of crmRows(rows, seed))
    yield COLUMNS.map((column) => csvCell(row[column])).join(',') + '\n'
}

/** Deal stages of scenario 7's tenth column, most frequent first. */
export const STAGES = ['prospect', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const
const STAGE_WEIGHTS = [0.35, 0.25, 0.15, 0.1, 0.08, 0.07]

/**
 * Scenario 7's ten columns: the nine CRM columns and a deal `stage`, drawn from its own seeded
 * stream so the nine are the same as in the other files.
 */
function* dealLines(rows: number, seed: number): Generator<string> {
  const next = random(seed ^ 0x5eed)
  yield [...COLUMNS, 'stage'].join(',') + '\n'
  for (const row of crmRows(rows, seed)) {
    let roll = next()
    let index = 0
    while (index < STAGE_WEIGHTS.length - 1 && roll >= (STAGE_WEIGHTS[index] as number)) {
      roll -= STAGE_WEIGHTS[index] as number
      index++
    }
    yield COLUMNS.map((column) => csvCell(row[column])).join(',') + `,${STAGES[index]}\n`
  }
}

function* ndjsonLines(rows: number, seed: number): Generator<string> {
  let index = 0
  for (const row of crmRows(rows, seed)) {
    const invalid = index++ % 1000 === 999
    yield (
      JSON.stringify({
        id: Number(row.id),
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        country: row.country,
        company: row.company,
        amount: invalid ? 'n/a' : Number(row.amount),
        created_at: row.created_at,
        active: row.active === 'true',
      }) + '\n'
    )
  }
}

/** The generated files for `rows` rows. */
export interface DataFiles {
  readonly csv: string
  readonly ndjson: string
  /** Scenario 7's CSV with ten columns (the nine and `stage`); '' unless asked for. */
  readonly deals: string
}

/**
 * Makes (or reuses, when already generated with the same version and seed) the data files for
 * `rows` rows. `ndjson: false` skips the NDJSON file; `deals: true` adds scenario 7's ten-column CSV,
 * `csv: false` skips the nine-column one.
 */
export async function ensureData(
  rows: number,
  options: {
    readonly seed?: number
    readonly ndjson?: boolean
    readonly csv?: boolean
    readonly deals?: boolean
    readonly log?: (line: string) => void
  } = {},
): Promise<DataFiles> {
  const seed = options.seed ?? DEFAULT_SEED
  mkdirSync(DATA_DIR, { recursive: true })
  const files = {
    csv: join(DATA_DIR, `crm-${rows}.csv`),
    ndjson: join(DATA_DIR, `crm-${rows}.ndjson`),
    deals: options.deals === true ? join(DATA_DIR, `deals-${rows}.csv`) : '',
  }
  const stamp = JSON.stringify({ version: GENERATOR_VERSION, seed, rows })
  const make = async (path: string, lines: () => Iterable<string>): Promise<void> => {
    const meta = `${path}.meta.json`
    if (existsSync(path) && existsSync(meta) && readFileSync(meta, 'utf8') === stamp) return
    const started = performance.now()
    await writeLines(path, lines())
    writeFileSync(meta, stamp)
    options.log?.(
      `generated ${path} (${rows.toLocaleString('en-US')} rows) in ${Math.round(performance.now() - started)} ms`,
    )
  }
  if (options.csv !== false) await make(files.csv, () => csvLines(rows, seed))
  if (options.deals === true) await make(files.deals, () => dealLines(rows, seed))
  if (options.ndjson !== false) await make(files.ndjson, () => ndjsonLines(rows, seed))
  return files
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const index = process.argv.indexOf('--rows')
  const rows = index >= 0 ? Number(process.argv[index + 1]) : 1_000_000
  const files = await ensureData(rows, { log: (line) => console.log(line) })
  console.log(files)
}
