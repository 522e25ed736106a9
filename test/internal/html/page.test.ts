import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { FAILURES_SHOWN, reportPage } from '../../../src/internal/html/page.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { filter } from '../../../src/operators/filter.js'
import { map } from '../../../src/operators/map.js'
import { runToArray } from '../../../src/testing/runToArray.js'
import { unbalancedTags } from '../../support/markup.js'

async function reportOf(count: number, failEvery: number, name = 'nightly'): Promise<RunReport> {
  const result = await runToArray(
    pipe(
      fromGenerator(Array.from({ length: count }, (_, n) => n)),
      filter((n: number) => n % 5 !== 0),
      map((n: number) => {
        if (n % failEvery === 0) throw new Error(`bad <${n}>`)
        return n
      }),
    ),
    { name },
  )
  return result.report
}

describe('reportPage', () => {
  it('is one well-formed, self-contained document: no scripts, no links, its styles inline', async () => {
    const page = reportPage(await reportOf(40, 7))
    expect(page.startsWith('<!doctype html>')).toBe(true)
    expect(unbalancedTags(page)).toEqual([])
    expect(page).not.toMatch(/<script|<link|src=|@import|url\(http/i)
    expect(page).toContain('<style>')
  })

  it('shows the status, the counts and that the books add up', async () => {
    const report = await reportOf(40, 7)
    const page = reportPage(report)
    expect(page).toContain(`data-field="status">${report.status}</span>`)
    for (const name of ['read', 'created', 'written', 'dropped', 'merged', 'failed'] as const)
      expect(page).toContain(`data-count="${name}">${report[name]}</div>`)
    expect(page).toContain('class="identity holds"')
    expect(page).toContain('✓ adds up')
  })

  it('says so when the books do not add up', async () => {
    const report = await reportOf(10, 3)
    const page = reportPage({ ...report, written: report.written + 1 })
    expect(page).toContain('class="identity broken"')
    expect(page).toContain('✗')
  })

  it('lists at most FAILURES_SHOWN failures, escaped, and says how many there were', async () => {
    const report = await reportOf(400, 2)
    expect(report.failed).toBeGreaterThan(FAILURES_SHOWN)
    const page = reportPage(report)
    expect(page.split('<tr class="failure">').length - 1).toBe(FAILURES_SHOWN)
    expect(page).toContain('bad &lt;2&gt;')
    expect(page).not.toContain('bad <2>')
    expect(page).toContain(`Showing the first ${FAILURES_SHOWN} of ${report.failed} failures.`)
  })

  it('leaves out the failures section when nothing failed, and escapes the run name', async () => {
    const page = reportPage(await reportOf(10, 1_000, '<b>run</b>'))
    expect(page).not.toContain('id="failures"')
    expect(page).toContain('&lt;b&gt;run&lt;/b&gt;')
    expect(page).not.toContain('<b>run</b>')
  })
})
