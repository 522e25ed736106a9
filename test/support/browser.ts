/**
 * Headless Chromium for tests that look at a page as a person would: Debian's `chromium` package
 * driven by playwright-core (never a browser download). When Chromium cannot start, the test fails
 * with a message that says what to install; it is never skipped silently.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = process.env['POWERFLOW_CHROMIUM'] ?? '/usr/bin/chromium'

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: install Debian's package (apt-get install chromium), ` +
        'or set POWERFLOW_CHROMIUM to a Chromium binary. .ci/run installs it when it is missing.',
    )
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
  } catch (error) {
    throw new Error(`Chromium at ${CHROMIUM} could not start: ${String(error)}`, { cause: error })
  }
}

/** What a page did while it loaded: console errors and every request beyond the page itself. */
export interface PageVisit {
  readonly page: Page
  readonly consoleErrors: string[]
  readonly requests: string[]
}

/** Opens `url` in a new page, recording console errors, page errors and requests. */
export async function visit(browser: Browser, url: string): Promise<PageVisit> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const consoleErrors: string[] = []
  const requests: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(String(error)))
  page.on('request', (request) => {
    if (request.url() !== url) requests.push(request.url())
  })
  await page.goto(url, { waitUntil: 'load' })
  return { page, consoleErrors, requests }
}
