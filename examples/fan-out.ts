/**
 * fan-out: one CRM export, three destinations, one run and one report.
 *
 *   npx tsx examples/fan-out.ts
 *
 * Reads examples/data/deals.csv and checks each deal. Rows that do not parse or validate go to a
 * dead-letter file (out/fan-out-dead-letters.ndjson). Every valid deal then goes to two branches:
 * `finance` writes the won deals to out/won-deals.csv, and `alerts` posts the big lost deals to a
 * webhook — here a receiver the program starts itself on 127.0.0.1. The branches share the run's
 * budget (the slower one paces the file read) and its policy (a failure in either branch would be
 * a dead letter naming its branch). The report counts each deal once at the top and has a full
 * report per branch under `branches`.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import {
  deadLetter,
  fanOut,
  filter,
  fromCsv,
  map,
  pipe,
  toCsv,
  toJson,
  toWebhook,
  type BranchesReport,
} from '../src/index.js'
import { validateDeals, type Deal } from './shared/deals.js'
import { dataFile, defaultOutDir, shown } from './shared/paths.js'
import { startReceiver, type Receiver } from './shared/receiver.js'

export interface FanOutOptions {
  /** Where to write the CSV and the dead letters (default examples/out/). */
  readonly outDir?: string
  /** Print nothing. */
  readonly quiet?: boolean
}

export interface FanOutResult {
  readonly report: BranchesReport<'finance' | 'alerts'>
  readonly wonCsv: string
  readonly deadLetters: string
  /** The alerts the local receiver got, in arrival order. */
  readonly received: ReadonlyArray<{ readonly dealId: string; readonly amount: number }>
}

const BIG_LOSS = 20_000

export async function main(options: FanOutOptions = {}): Promise<FanOutResult> {
  const outDir = options.outDir ?? defaultOutDir()
  await mkdir(outDir, { recursive: true })
  const wonCsv = join(outDir, 'won-deals.csv')
  const deadLetters = join(outDir, 'fan-out-dead-letters.ndjson')
  const receiver = await startAlertReceiver()
  try {
    const report = await pipe(
      fromCsv(dataFile('deals.csv')),
      validateDeals('deals.csv'),
      // The one policy of the run: it covers the branches too.
      deadLetter(toJson(deadLetters, { format: 'ndjson' })),
      fanOut({
        finance: (deals) =>
          pipe(
            deals,
            filter((deal: Deal) => deal.stage === 'won', { name: 'won' }),
            map((deal) => ({ id: deal.id, name: deal.name, amount: deal.amount })),
            toCsv(wonCsv),
          ),
        alerts: (deals) =>
          pipe(
            deals,
            filter((deal: Deal) => deal.stage === 'lost' && deal.amount >= BIG_LOSS, {
              name: 'big losses',
            }),
            map((deal) => ({ dealId: deal.id, amount: deal.amount })),
            toWebhook(receiver.url, { batchSize: 10, retries: 2, minDelayMs: 10 }),
          ),
      }),
    )
    if (options.quiet !== true) {
      console.log(
        `${report.read} rows read: ${report.written} deals went to both branches, ${report.failed} to ${shown(deadLetters)}`,
      )
      for (const [name, branch] of Object.entries(report.branches))
        console.log(
          `  ${name}: ${branch.read} in, ${branch.written} written, dropped ${JSON.stringify(branch.droppedByReason)}, ${branch.failed} failed`,
        )
      console.log(`  won deals in ${shown(wonCsv)}; ${receiver.received.length} alerts received`)
    }
    return { report, wonCsv, deadLetters, received: receiver.received }
  } finally {
    await receiver.close()
  }
}

/** The webhook's stand-in: accepts JSON arrays of alerts on 127.0.0.1, on a port the system picks. */
async function startAlertReceiver(): Promise<
  Receiver & { received: Array<{ dealId: string; amount: number }> }
> {
  const received: Array<{ dealId: string; amount: number }> = []
  const receiver = await startReceiver('/alerts', (_headers, body) => {
    received.push(...(body as typeof received))
    return 200
  })
  return { ...receiver, received }
}

// Run when executed directly, not when imported (the test suite imports `main`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
