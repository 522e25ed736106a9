import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as t from 'io-ts'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { filter } from '../../src/operators/filter.js'
import { profile } from '../../src/operators/profile.js'
import { validate } from '../../src/operators/validate.js'
import { renderHtmlReport, writeHtmlReport } from '../../src/reports/writeHtmlReport.js'
import { toJson } from '../../src/sinks/toJson.js'
import { failFast } from '../../src/policies/failFast.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { launchBrowser, visit } from '../support/browser.js'

let directory: string
let browser: Browser
let report: RunReport

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-html-report-'))
  browser = await launchBrowser()
  const Deal = t.type({ id: t.string, stage: t.string, amount: NumberFromString })
  report = await pipe(
    fromCsv('examples/data/deals.csv'),
    profile({ name: 'deals' }),
    validate(Deal),
    filter((deal) => deal.stage === 'won', { name: 'won' }),
    toJson(join(directory, 'won.json')),
  )
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await rm(directory, { recursive: true, force: true })
})

describe('writeHtmlReport', () => {
  it('writes one self-contained page that a browser renders without errors or requests', async () => {
    const path = join(directory, 'run.html')
    await writeHtmlReport(report, path)
    const html = await readFile(path, 'utf8')
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(http/i)
    const { page, consoleErrors, requests } = await visit(browser, pathToFileURL(path).href)
    expect(consoleErrors).toEqual([])
    expect(requests).toEqual([])

    // counts in the DOM equal the report's
    for (const name of ['read', 'written', 'dropped', 'failed', 'created', 'merged'] as const) {
      const text = await page.locator(`[data-count="${name}"]`).textContent()
      expect(Number(text?.replace(/,/g, ''))).toBe(report[name])
    }
    expect(await page.locator('[data-field="status"]').textContent()).toBe(report.status)
    expect(await page.locator('[data-field="identity"]').textContent()).toContain('adds up')
    // a failure's message and place are shown
    const first = report.failures[0]
    expect(first).toBeDefined()
    const failureText = await page.locator('table.failures').textContent()
    expect(failureText).toContain(first?.message)
    expect(failureText).toContain(`line ${first?.location?.line}`)

    // every chart has rendered marks with a size
    const charts = page.locator('svg.chart')
    const count = await charts.count()
    expect(count).toBeGreaterThanOrEqual(5)
    for (let i = 0; i < count; i++) {
      const chart = charts.nth(i)
      const marks = await chart.locator('rect, polyline, line, path').count()
      expect(marks, `chart ${i} has marks`).toBeGreaterThan(0)
      const box = await chart.boundingBox()
      expect(box?.width ?? 0).toBeGreaterThan(50)
    }
    // the flow diagram has a box per stage, and each profiled column a card
    expect(await page.locator('svg.flow g.stage').count()).toBe(report.stages.length)
    expect(await page.locator('[data-column]').count()).toBe(
      Object.keys(report.profiles?.['deals']?.columns ?? {}).length,
    )

    const screenshot = join(directory, 'run.png')
    await page.screenshot({ path: screenshot, fullPage: true })
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000)
    await page.close()
  }, 60_000)

  it('labels, in the browser, a column whose figures come partly from a sample, with its bounds', async () => {
    // 70,000 records: past 65,536 values the many-valued columns are sampled, `stage` is not.
    const sampledRun = await pipe(
      fromGenerator(
        Array.from({ length: 70_000 }, (_, n) => ({
          id: `D${n}`,
          account: `account-${n % 3_000}`,
          stage: n % 3 === 0 ? 'won' : 'open',
        })),
      ),
      profile({ name: 'big' }),
      toArray(),
    )
    const columns = sampledRun.profiles?.['big']?.columns
    expect(columns?.['account']?.sampled).toEqual({ after: 65_536, every: 8 })
    expect(columns?.['stage']?.sampled).toBeUndefined()
    const path = join(directory, 'sampled.html')
    await writeHtmlReport(sampledRun, path)
    const { page, consoleErrors, requests } = await visit(browser, pathToFileURL(path).href)
    expect(consoleErrors).toEqual([])
    expect(requests).toEqual([])

    const account = page.locator('[data-column="account"]')
    const label = account.locator('[data-sampled]')
    expect(await label.isVisible()).toBe(true)
    expect(await label.textContent()).toBe('sampled 1 in 8')
    expect(await account.locator('[data-note="sampled"]').textContent()).toContain(
      'After its first 65,536 values',
    )
    // each top value's bar says how far its count may be from the true one
    const top = columns?.['account']?.topValues[0]
    expect(await account.locator('svg.chart g.bar').first().textContent()).toContain(
      `± ${top?.error.toLocaleString('en-US')}`,
    )
    // a column counted in full has no label and says its counts are exact
    const stage = page.locator('[data-column="stage"]')
    expect(await stage.locator('[data-sampled]').count()).toBe(0)
    expect(await stage.locator('[data-field="top-values"]').textContent()).toContain('exact counts')
    await page.close()
  }, 60_000)

  it('escapes what comes from the data', () => {
    const hostile = {
      ...report,
      name: '<script>alert(1)</script>',
      failures: [{ ...report.failures[0], message: '<img src=x onerror=alert(1)>' }],
    } as RunReport
    const html = renderHtmlReport(hostile)
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('is written by a sink given the htmlReport option, however the run ends', async () => {
    const page = join(directory, 'sink.html')
    const done = await pipe(
      fromCsv('examples/data/deals.csv'),
      toJson(join(directory, 'all.json'), { htmlReport: page }),
    )
    const html = await readFile(page, 'utf8')
    expect(html).toContain(`data-count="read">${done.read}<`)
    expect(done.timeline?.samples.length).toBeGreaterThanOrEqual(2)

    const failedPage = join(directory, 'failed.html')
    const failed = await pipe(
      fromCsv('examples/data/deals.csv'),
      failFast(),
      toJson(join(directory, 'none.json'), { htmlReport: failedPage }),
    ).catch((error: { report: RunReport }) => error.report)
    expect(failed.status).toBe('failed')
    expect(await readFile(failedPage, 'utf8')).toContain('status-failed')

    const unwritable = await pipe(
      fromCsv('examples/data/deals.csv'),
      toJson(join(directory, 'x.json'), { htmlReport: join(directory, 'no', 'such', 'x.html') }),
    )
    expect(unwritable.status).toBe('completed')
    expect(unwritable.failures.at(-1)?.message).toMatch(/could not write the HTML report/)
  })

  it('writes atomically and names the file when it cannot', async () => {
    const missing = join(directory, 'no', 'such', 'folder', 'run.html')
    await expect(writeHtmlReport(report, missing)).rejects.toThrow(/writeHtmlReport .*run\.html/)
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })
})
