import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Papa from 'papaparse'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunReport } from '../src/core/RunReport.js'
import { launchBrowser, visit } from './support/browser.js'
import { main as csvToJson } from '../examples/csv-to-json.js'
import { main as dedupeContacts } from '../examples/dedupe-contacts.js'
import { main as profileDeals } from '../examples/profile-deals.js'
import { main as reactiveApp } from '../examples/reactive-app.js'
import { main as revenueByRegion } from '../examples/revenue-by-region.js'
import { main as webhookAlerts } from '../examples/webhook-alerts.js'
import { main as hubspotSync } from '../examples/hubspot-sync.js'
import { main as salesforceToCsv } from '../examples/salesforce-to-csv.js'
import { main as csvToSqlite } from '../examples/csv-to-sqlite.js'
import { main as crmToPostgres } from '../examples/crm-to-postgres.js'
import { main as incrementalSync } from '../examples/incremental-sync.js'
import { main as fanOutExample } from '../examples/fan-out.js'
import { createSchema } from './support/postgres.js'

// The expectations are computed from the sample data with papaparse and plain code, not with
// PowerFlow, so that an example and the library cannot agree on a wrong answer.

type Row = Record<string, string>

const contactsFile = fileURLToPath(new URL('../examples/data/contacts.csv', import.meta.url))

async function sampleRows(name: string): Promise<Row[]> {
  const text = await readFile(
    fileURLToPath(new URL(`../examples/data/${name}`, import.meta.url)),
    'utf8',
  )
  return Papa.parse<Row>(text, { header: true, skipEmptyLines: true }).data
}

interface SampleDeal {
  readonly id: string
  readonly region: string
  readonly stage: string
  readonly amount: number
}

/** The deals whose every field is there and whose amount is a plain decimal number. */
async function validDeals(): Promise<SampleDeal[]> {
  return (await sampleRows('deals.csv'))
    .filter((row) => row['closed_at'] !== undefined && /^\d+(\.\d+)?$/.test(row['amount'] ?? ''))
    .map((row) => ({
      id: row['id'] ?? '',
      region: row['region'] ?? '',
      stage: row['stage'] ?? '',
      amount: Number(row['amount']),
    }))
}

function expectBalanced(report: RunReport): void {
  expect(report.read + report.created).toBe(
    report.written + report.dropped + report.merged + report.failed,
  )
}

async function readNdjson(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

let outDir: string
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'powerflow-examples-'))
})
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true })
})

describe('csv-to-json', () => {
  it('writes the high-value won deals of the sample data to a JSON array, with their accounts', async () => {
    const expected = (await validDeals())
      .filter((deal) => deal.stage === 'won' && deal.amount >= 10_000)
      .map((deal) => deal.id)
    const { report, output } = await csvToJson({ outDir, quiet: true })

    expect(report.status).toBe('completed')
    expect(report.read).toBe(240)
    expect(report.written).toBe(expected.length)
    expect(report.droppedByReason).toEqual({ filtered: 240 - 2 - expected.length })
    expect(report.failed).toBe(2)
    expectBalanced(report)

    const deals = JSON.parse(await readFile(output, 'utf8')) as Array<Record<string, unknown>>
    expect(deals.map((deal) => deal.id)).toEqual(expected)
    expect(deals[0]).toEqual({
      id: 'D-0004',
      name: 'Globex expansion, phase 2',
      account: 'Globex',
      industry: 'Retail',
      region: 'EMEA',
      amount: 19686.41,
      owner: 'Ada Lovelace',
      closedOn: '2026-12-18',
    })
    expect(deals.every((deal) => typeof deal['account'] === 'string')).toBe(true)
  })

  it('dead-letters the two broken rows, naming the line of the ragged one and the deal of the other', async () => {
    const { report, rejected } = await csvToJson({ outDir, quiet: true })
    const letters = await readNdjson(rejected)

    expect(report.deadLetter?.written).toBe(2)
    expect(letters).toHaveLength(2)
    expect(letters).toContainEqual(
      expect.objectContaining({
        _tag: 'ParseError',
        message: 'fromCsv deals.csv line 134: too few fields: expected 8, found 6',
        location: expect.objectContaining({ line: 134, row: 133 }),
        raw: 'D-0133,Soylent renewal 133,ACC-008,EMEA,won,14588.51',
      }),
    )
    expect(letters).toContainEqual(
      expect.objectContaining({
        _tag: 'ValidationError',
        message:
          'validate deals.csv line 58 record D-0057: amount: expected numeric string, got "12,5OO"',
        location: expect.objectContaining({
          recordId: 'D-0057',
          field: 'amount',
          line: 58,
          row: 57,
        }),
        record: expect.objectContaining({ id: 'D-0057', amount: '12,5OO' }),
      }),
    )
  })

  it('sums the run up in a few lines that name every failure', async () => {
    const { report, summary } = await csvToJson({ outDir, quiet: true })

    expect(summary).toContain(
      `read 240 · written ${report.written} · dropped ${report.dropped} (filtered ${report.dropped}) · failed 2`,
    )
    expect(summary).toContain('deals.rejected.ndjson')
    expect(summary).toContain('- fromCsv deals.csv line 134: too few fields')
    expect(summary).toContain('- validate deals.csv line 58 record D-0057: amount:')
  })
})

describe('revenue-by-region', () => {
  it('sums, averages and counts the won deals per region, leaving out the broken rows', async () => {
    const won = (await validDeals()).filter((deal) => deal.stage === 'won')
    const regions = [...new Set(won.map((deal) => deal.region))]
    const expected = regions.map((region) => {
      const amounts = won.filter((deal) => deal.region === region).map((deal) => deal.amount)
      const revenue = amounts.reduce((sum, amount) => sum + amount, 0)
      return {
        region,
        deals: amounts.length,
        revenue,
        average: revenue / amounts.length,
        largest: Math.max(...amounts),
      }
    })
    const { report, regions: rows } = await revenueByRegion({ quiet: true })

    expect(report.status).toBe('completed')
    expect(report.merged).toBe(won.length)
    expect(report.created).toBe(regions.length)
    expect(report.failed).toBe(2)
    expectBalanced(report)
    expect(rows.map((row) => row.region).sort()).toEqual([...regions].sort())
    for (const row of rows) {
      const model = expected.find((entry) => entry.region === row.region)
      expect(row.deals).toBe(model?.deals)
      expect(row.revenue).toBeCloseTo(model?.revenue ?? Number.NaN, 2)
      expect(row.average).toBeCloseTo(model?.average ?? Number.NaN, 2)
      expect(row.largest).toBe(model?.largest)
    }
    // Sorted by revenue, largest first.
    expect(rows.map((row) => row.revenue)).toEqual(
      rows.map((row) => row.revenue).sort((a, b) => b - a),
    )
  })
})

describe('dedupe-contacts', () => {
  it('writes one row per lower-cased email, the last valid one of the file', async () => {
    const contacts = await sampleRows('contacts.csv')
    const valid = contacts.filter(
      (contact) =>
        /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(contact['email'] ?? '') &&
        /^\d+$/.test(contact['score'] ?? ''),
    )
    const lastByEmail = new Map<string, Row>()
    for (const contact of valid) lastByEmail.set((contact['email'] ?? '').toLowerCase(), contact)
    const { report, output } = await dedupeContacts({ outDir, quiet: true })

    expect(report.status).toBe('completed')
    expect(report.read).toBe(150)
    expect(report.failed).toBe(3)
    expect(report.written).toBe(lastByEmail.size)
    expect(report.droppedByReason).toEqual({ duplicate: valid.length - lastByEmail.size })
    expectBalanced(report)

    const written = Papa.parse<Row>(await readFile(output, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    })
    expect(written.meta.fields).toEqual([
      'email',
      'first_name',
      'last_name',
      'company',
      'signed_up_at',
      'score',
    ])
    expect(written.data).toHaveLength(lastByEmail.size)
    for (const row of written.data) {
      const email = row['email'] ?? ''
      expect(email).toBe(email.toLowerCase())
      const source = lastByEmail.get(email)
      expect(row['last_name']).toBe(source?.['last_name'])
      expect(row['score']).toBe(source?.['score'])
      expect(row['signed_up_at']).toBe(new Date(source?.['signed_up_at'] ?? '').toISOString())
    }
  })

  it('dead-letters the rows with a bad email or score, naming the contact and the field', async () => {
    const { rejected } = await dedupeContacts({ outDir, quiet: true })
    const letters = await readNdjson(rejected)

    expect(letters.map((letter) => letter['location'])).toEqual([
      {
        recordId: 'edsger.liskov-at-example.com',
        field: 'email',
        file: contactsFile,
        line: 21,
        row: 20,
      },
      {
        recordId: 'grace.torvalds-at-example.com',
        field: 'email',
        file: contactsFile,
        line: 78,
        row: 77,
      },
      {
        recordId: 'alan.hopper@example.com',
        field: 'score',
        file: contactsFile,
        line: 102,
        row: 101,
      },
    ])
    expect(letters[2]).toMatchObject({
      _tag: 'ValidationError',
      message:
        'validate contacts.csv line 102 record alan.hopper@example.com: score: expected integer string, got "high"',
      record: { company: 'Hooli', score: 'high' },
    })
  })
})

describe('webhook-alerts', () => {
  it('delivers every big lost deal to the local receiver, retrying the batches it refuses', async () => {
    const expected = (await validDeals())
      .filter((deal) => deal.stage === 'lost' && deal.amount >= 20_000)
      .map((deal) => deal.id)
    const { report, http, received } = await webhookAlerts({ quiet: true, retryDelayMs: 1 })

    expect(report.status).toBe('completed')
    expect(report.written).toBe(expected.length)
    expect(report.failed).toBe(2)
    expect(report.failures.map((failure) => failure._tag).sort()).toEqual([
      'ParseError',
      'ValidationError',
    ])
    expectBalanced(report)
    expect(received.map((alert) => alert.dealId).sort()).toEqual([...expected].sort())
    expect(received[0]).toMatchObject({ type: 'deal.lost', text: expect.stringMatching(/^Lost /) })

    // The receiver refuses the first attempt of every third batch; each is retried once.
    expect(http.batches).toBe(Math.ceil(expected.length / 5))
    expect(http.retries).toBe(Math.floor(http.batches / 3))
    expect(http.retries).toBeGreaterThan(0)
    expect(http.statusCodes).toEqual({ '200': http.batches, '503': http.retries })
    expect(http.requests).toBe(http.batches + http.retries)
  })
})

describe('reactive-app', () => {
  it('runs the shared deal operators on a live Subject, for a plain subscriber and a run alike', async () => {
    const burst = Array.from({ length: 40 }, (_, n) => `Q-${String(n + 1).padStart(3, '0')}`)
    const { report, celebrated, deals } = await reactiveApp({
      quiet: true,
      intervalMs: 1,
      lookupDelayMs: 1,
    })

    expect(celebrated).toEqual(['L-1', 'L-5', ...burst])
    expect(deals.map((deal) => deal.id)).toEqual(celebrated)
    expect(deals[0]).toMatchObject({ id: 'L-1', amount: 12_500, notify: '@ada' })
    expect(deals[1]).toMatchObject({ id: 'L-5', notify: '#sales' })
    expect(report.status).toBe('completed')
    expect(report.read).toBe(45)
    expect(report.droppedByReason).toEqual({ filtered: 2 })
    expect(report.failures.map((failure) => failure.message)).toEqual([
      'validate deal feed record L-3: amount: expected numeric string, got "twelve thousand"',
    ])
    expectBalanced(report)
  })

  it('shows that a Subject is not backpressured: the burst goes past the high-water mark', async () => {
    const { report, highWaterMark } = await reactiveApp({
      quiet: true,
      intervalMs: 1,
      lookupDelayMs: 1,
    })

    expect(report.maxInFlight).toBeGreaterThan(highWaterMark)
  })
})

describe('profile-deals', () => {
  it('profiles the sample deals and writes a report page that a browser shows with the same figures', async () => {
    const rows = await sampleRows('deals.csv')
    const { report, html } = await profileDeals({ outDir, quiet: true })
    expectBalanced(report)
    const raw = report.profiles?.['raw deals']
    // one row is ragged (a ParseError): it never reaches the profile
    expect(raw?.records).toBe(rows.length - 1)
    const regions = new Set(rows.map((row) => row['region']))
    expect(raw?.columns['region']?.distinct).toBe(regions.size)
    expect(raw?.columns['amount']).toMatchObject({ type: 'number', missing: 0 })
    expect(report.profiles?.['valid deals']?.records).toBe(report.written)

    const browser = await launchBrowser()
    try {
      const { page, consoleErrors, requests } = await visit(browser, pathToFileURL(html).href)
      expect(consoleErrors).toEqual([])
      expect(requests).toEqual([])
      expect(await page.locator('[data-count="read"]').textContent()).toBe(String(report.read))
      expect(await page.locator('[data-count="failed"]').textContent()).toBe(String(report.failed))
      expect(await page.locator('table.failures').textContent()).toContain('12,5OO')
      const charts = page.locator('svg.chart')
      for (let i = 0; i < (await charts.count()); i++)
        expect(await charts.nth(i).locator('rect, polyline, line').count()).toBeGreaterThan(0)
      await page.screenshot({ path: join(outDir, 'deals.png'), fullPage: true })
    } finally {
      await browser.close()
    }
  }, 60_000)
})

describe('hubspot-sync', () => {
  it('reads the contacts from the local HubSpot server and writes the latest of each email to CSV', async () => {
    const latest = new Map<string, Row>()
    for (const row of await sampleRows('contacts.csv')) {
      const email = (row['email'] ?? '').trim().toLowerCase()
      if (email !== '') latest.set(email, row)
    }
    const { report, output, bookmark } = await hubspotSync({
      outDir,
      quiet: true,
      local: true,
    })

    expect(report.status).toBe('completed')
    expect(report.read).toBe(150)
    expect(report.written).toBe(latest.size)
    expectBalanced(report)
    const written = Papa.parse<Row>(await readFile(output, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    }).data
    expect(written.map((row) => row['email']).sort()).toEqual([...latest.keys()].sort())
    for (const row of written)
      expect(row['firstname']).toBe(latest.get(row['email'] ?? '')?.['first_name'])
    expect(bookmark).toEqual({ field: 'lastmodifieddate', value: '2026-03-01T09:02:29.000Z' })
  })
})

describe('salesforce-to-csv', () => {
  it('copies every sample account from the local Salesforce, then only the two edited ones and the one at the bookmark', async () => {
    const accounts = await sampleRows('accounts.csv')
    const { full, changed, output, changedOutput, edited } = await salesforceToCsv({
      outDir,
      env: {},
      quiet: true,
    })

    expect(full.status).toBe('completed')
    expect(full.written).toBe(accounts.length)
    expectBalanced(full)
    const written = Papa.parse<Row>(await readFile(output, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    })
    expect(written.meta.fields).toEqual(['Id', 'Name', 'Industry', 'Region__c', 'SystemModstamp'])
    expect(written.data.map((row) => row['Name'])).toEqual(accounts.map((row) => row['Name']))
    expect(full.bookmark).toEqual({
      field: 'SystemModstamp',
      value: written.data.at(-1)?.['SystemModstamp'],
    })

    const again = Papa.parse<Row>(await readFile(changedOutput, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    })
    // The last account of the first run sits on the bookmark: read again (the documented overlap).
    expect(again.data.map((row) => row['Name'])).toEqual([accounts.at(-1)?.['Name'], ...edited])
    expect(again.data.slice(1).every((row) => row['Industry'] === 'Technology')).toBe(true)
    expect(changed.written).toBe(3)
  })
})

describe('csv-to-sqlite', () => {
  it('loads every valid deal into SQLite once, however often it runs, and reads revenue back', async () => {
    const valid = await validDeals()
    const won = valid.filter((deal) => deal.stage === 'won')
    const first = await csvToSqlite({ outDir, quiet: true })
    expect(first.report.written).toBe(valid.length)
    expect(first.report.failed).toBe(2)
    expect(first.database).toMatchObject({ inserted: valid.length, updated: 0 })
    expect(first.database.created?.columns.map((column) => [column.name, column.type])).toEqual([
      ['id', 'TEXT'],
      ['name', 'TEXT'],
      ['account_id', 'TEXT'],
      ['region', 'TEXT'],
      ['stage', 'TEXT'],
      ['amount', 'REAL'],
      ['owner', 'TEXT'],
      ['closed_at', 'TIMESTAMP'],
    ])
    expectBalanced(first.report)
    const again = await csvToSqlite({ outDir, quiet: true })
    expect(again.database).toMatchObject({ inserted: 0, updated: valid.length })
    for (const row of again.regions) {
      const amounts = won.filter((deal) => deal.region === row.region).map((deal) => deal.amount)
      expect(row.deals).toBe(amounts.length)
      expect(row.revenue).toBeCloseTo(
        amounts.reduce((sum, amount) => sum + amount, 0),
        2,
      )
    }
    expect(again.regions.map((row) => row.region).sort()).toEqual(
      [...new Set(won.map((deal) => deal.region))].sort(),
    )
  })
})

describe('crm-to-postgres', () => {
  it('upserts the CRM pages into Postgres, updates on the second sync, and reads back after a bookmark', async () => {
    const schema = await createSchema('example')
    try {
      const valid = await validDeals()
      const { first, second, recent, bookmark } = await crmToPostgres({
        schema: schema.name,
        quiet: true,
      })
      expect(first.written).toBe(valid.length)
      expect(first.failed).toBe(2)
      expect(first['database']).toMatchObject({ inserted: valid.length, updated: 0 })
      expect(second['database']).toMatchObject({ inserted: 0, updated: valid.length })
      expectBalanced(first)
      const rows = await sampleRows('deals.csv')
      const validIds = new Set(valid.map((deal) => deal.id))
      const closed = rows
        .filter((row) => validIds.has(row['id'] ?? '') && (row['closed_at'] ?? '') > '2026-12-01')
        .sort(
          (a, b) =>
            (a['closed_at'] ?? '').localeCompare(b['closed_at'] ?? '') ||
            (a['id'] ?? '').localeCompare(b['id'] ?? ''),
        )
      expect(recent.map((row) => row['id'])).toEqual(closed.map((row) => row['id']))
      expect(bookmark).toEqual({
        field: 'closed_at',
        value: new Date(`${closed.at(-1)?.['closed_at']}T00:00:00Z`),
      })
    } finally {
      await schema.drop()
    }
  })
})

describe('examples/incremental-sync', () => {
  it('reads only the orders added since the last run, the second time', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'powerflow-incremental-sync-'))
    try {
      const first = await incrementalSync({ outDir, newOrders: 5, quiet: true })
      expect(first.report.read).toBe(5)
      const second = await incrementalSync({ outDir, newOrders: 3, quiet: true })
      expect(second.report.read).toBe(3)
      expectBalanced(second.report)
      const rows = Papa.parse<Row>(await readFile(second.output, 'utf8'), {
        header: true,
        skipEmptyLines: true,
      }).data
      expect(rows.map((row) => row['id'])).toEqual(['6', '7', '8'])
      expect(second.report.bookmark).toEqual({ field: 'id', value: 8 })
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  })
})

describe('examples/fan-out.ts', () => {
  it('sends won deals to a CSV and big losses to the webhook in one run, bad rows to dead letters', async () => {
    const valid = await validDeals()
    const { report, wonCsv, deadLetters, received } = await fanOutExample({ outDir, quiet: true })
    expect(report.status).toBe('completed')
    expect(report.written).toBe(valid.length)
    expect(report.failed).toBe(2)
    expectBalanced(report)
    const won = valid.filter((deal) => deal.stage === 'won')
    const bigLosses = valid.filter((deal) => deal.stage === 'lost' && deal.amount >= 20_000)
    const csv = Papa.parse<Row>(await readFile(wonCsv, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    })
    expect(csv.data.map((row) => row['id'])).toEqual(won.map((deal) => deal.id))
    expect(received.map((alert) => alert.dealId)).toEqual(bigLosses.map((deal) => deal.id))
    expect(report.branches.finance).toMatchObject({ read: valid.length, written: won.length })
    expect(report.branches.alerts).toMatchObject({ read: valid.length, written: bigLosses.length })
    for (const branch of Object.values(report.branches)) expectBalanced(branch)
    const letters = (await readFile(deadLetters, 'utf8')).trim().split('\n')
    expect(letters).toHaveLength(2)
  })
})
