/**
 * Scenario 9's Salesforce: the test suite's local Salesforce-compatible server, run in its own
 * process so that neither side's peak RSS or CPU time includes the server's table. Both sides
 * start it while their module loads (not timed) and stop it when their job ends.
 *
 *   node --import tsx bench/salesforce.ts <rows>     (prints `READY <url> <token>`)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Job } from './jobs.js'

/** The SOQL both sides run. */
export const ACCOUNT_SOQL =
  'SELECT Id, Name, Industry, BillingCountry, AnnualRevenue, NumberOfEmployees, SystemModstamp FROM Account'

/** A running server process. */
export interface LocalOrg {
  readonly url: string
  readonly accessToken: string
  stop(): void
}

/** The rows of the job this process was started for (`input` is the row count). */
export function jobRows(): number {
  const job = JSON.parse(process.argv[2] ?? '{}') as Partial<Job>
  const rows = Number(job.input)
  return Number.isInteger(rows) && rows > 0 ? rows : 1_000
}

/** Starts the server process with `rows` Accounts and waits until it is ready. */
export function startLocalOrg(rows: number): Promise<LocalOrg> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), String(rows)],
    {
      cwd: join(dirname(fileURLToPath(import.meta.url)), '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const stop = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', stop)
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
      const ready = /READY (\S+) (\S+)/.exec(text)
      if (ready !== null)
        resolve({ url: ready[1] as string, accessToken: ready[2] as string, stop })
    })
    child.on('exit', (code) => reject(new Error(`the local Salesforce exited (${String(code)})`)))
  })
}

const INDUSTRIES = ['Retail', 'Energy', 'Health', 'Software', 'Manufacturing', 'Banking']
const COUNTRIES = ['US', 'DE', 'FR', 'JP', 'BR', 'IN', 'GB']

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { SalesforceServer } = await import('../test/support/salesforceServer.js')
  const rows = Number(process.argv[2] ?? 1_000)
  const server = await SalesforceServer.start({ dailyLimit: 10_000_000 })
  const stamp = '2026-01-01T00:00:00.000+0000'
  const batch = []
  for (let n = 0; n < rows; n++)
    batch.push({
      Name: `Account ${n}, "the ${INDUSTRIES[n % 6] as string} one"`,
      Industry: INDUSTRIES[n % 6],
      BillingCountry: COUNTRIES[n % 7],
      AnnualRevenue: (n * 7919) % 10_000_000,
      NumberOfEmployees: n % 5_000,
      SystemModstamp: stamp,
    })
  server.insert('Account', batch)
  process.stdout.write(`READY ${server.url} ${server.accessToken}\n`)
}
