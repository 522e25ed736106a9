/**
 * Regenerates docs/images/run-report.png, the screenshot in docs/profiling-and-reports.md: runs
 * examples/profile-deals.ts into a temporary folder and photographs its HTML report in headless
 * Chromium (Debian's chromium package).
 *
 *   npm run docs:screenshot
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { main as profileDeals } from '../examples/profile-deals.js'
import { launchBrowser, visit } from '../test/support/browser.js'

const target = fileURLToPath(new URL('../docs/images/run-report.png', import.meta.url))
const directory = await mkdtemp(join(tmpdir(), 'powerflow-screenshot-'))
const browser = await launchBrowser()
try {
  const { html } = await profileDeals({ outDir: directory, quiet: true })
  const { page } = await visit(browser, pathToFileURL(html).href)
  await page.screenshot({ path: target, fullPage: true })
  console.log(`wrote ${target}`)
} finally {
  await browser.close()
  await rm(directory, { recursive: true, force: true })
}
