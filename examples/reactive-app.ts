/**
 * reactive-app: the same operators on a live stream — deal events pushed through an rxjs `Subject`.
 *
 *   npx tsx examples/reactive-app.ts
 *
 * A CRM pushes deal updates as they happen (here: a `Subject` fed on a timer). The operators that
 * csv-to-json.ts runs on a file — `validateDeals` and `keepHighValueWins` from
 * examples/shared/deals.ts — run here unchanged on the live stream, in two ways:
 *
 * 1. Inside a reactive app: `rights()` turns the Flow back into a plain Observable of records
 *    (failures left out), consumed by an ordinary rxjs `subscribe`.
 * 2. As a PowerFlow run, for a report: `fromObservable(feed)` into a sink.
 *
 * A push source cannot be paused: it is **not backpressured**. A file source waits when the run
 * has `highWaterMark` records open; a `Subject` just keeps pushing. The end of the feed below is a
 * burst of deals closed at once, met by a slow lookup: the report's `maxInFlight` shows how far
 * past `highWaterMark` the records piled up in memory. For a source that can wait, use
 * `fromGenerator` or `defineSource`; with a Subject, keep bursts bounded yourself.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'.)
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { bufferTime, filter, Subject } from 'rxjs'
import { enrich, fromObservable, pipe, rights, toArray, type RunReport } from '../src/index.js'
import { keepHighValueWins, validateDeals, type Deal } from './shared/deals.js'

/** A deal update as the CRM pushes it: all strings, like a CSV row. */
type DealEvent = Record<string, string>

export interface ReactiveAppOptions {
  /** Milliseconds between two live events (default 150). */
  readonly intervalMs?: number
  /** How long the owner lookup takes, in ms (default 20). */
  readonly lookupDelayMs?: number
  /** Print nothing: no progress on stderr, no lines on stdout. */
  readonly quiet?: boolean
}

export interface ReactiveAppResult {
  /** The report of the run over the feed (part 2). */
  readonly report: RunReport
  /** The ids of the deals the plain rxjs subscriber saw (part 1), in order. */
  readonly celebrated: readonly string[]
  /** The enriched deals the run collected. */
  readonly deals: readonly (Deal & { readonly notify: string })[]
  /** The run's high-water mark, which the burst goes past. */
  readonly highWaterMark: number
}

/** Who to tell about a deal: a stand-in for a slow directory service. */
const SLACK_HANDLES: Readonly<Record<string, string>> = {
  'Ada Lovelace': '@ada',
  'Grace Hopper': '@grace',
  'Alan Turing': '@alan',
}

const HIGH_WATER_MARK = 10
const BURST = 40

export async function main(options: ReactiveAppOptions = {}): Promise<ReactiveAppResult> {
  const intervalMs = options.intervalMs ?? 150
  const lookupDelayMs = options.lookupDelayMs ?? 20
  const say = (line: string): void => {
    if (options.quiet !== true) console.log(line)
  }

  const feed = new Subject<DealEvent>()

  // 1. A plain rxjs subscriber. `rights()` leaves failures out (`values()` would make the first
  //    one an rxjs error instead), and from there on it is ordinary rxjs: `bufferTime` gathers
  //    the wins of each moment, so a burst makes one line. No run report on this side.
  const celebrated: string[] = []
  const subscription = pipe(
    fromObservable(feed),
    validateDeals('deal feed'),
    keepHighValueWins,
    rights(),
  )
    .pipe(
      bufferTime(Math.max(intervalMs / 2, 1)),
      filter((wins) => wins.length > 0),
    )
    .subscribe((wins) => {
      celebrated.push(...wins.map((deal) => deal.id))
      const total = wins.reduce((sum, deal) => sum + deal.amount, 0).toLocaleString('en-US')
      const [first] = wins
      if (wins.length === 1 && first !== undefined)
        say(`  🎉 ${first.id} ${first.name}: ${total} (${first.owner})`)
      else say(`  🎉 ${wins.length} wins at once, ${total} in all`)
    })

  // 2. The same operators in a PowerFlow run over the same Subject (a Subject multicasts), with
  //    an asynchronous stage — a lookup that takes a while — and a report that adds up.
  const run = pipe(
    fromObservable(feed, { name: 'deal feed' }),
    validateDeals('deal feed'),
    keepHighValueWins,
    enrich(
      async (deal: Deal, signal) => {
        await sleep(lookupDelayMs, undefined, { signal })
        return { notify: SLACK_HANDLES[deal.owner] ?? '#sales' }
      },
      { concurrency: 2, name: 'who to notify' },
    ),
    toArray({
      name: 'reactive-app',
      highWaterMark: HIGH_WATER_MARK,
      progress: options.quiet === true ? false : { intervalMs: 500 },
    }),
  )

  // The live part: one event at a time, as they happen — one of them broken.
  say('Live deal feed:')
  for (const event of liveEvents()) {
    feed.next(event)
    await sleep(intervalMs)
  }
  // The end of the quarter: many deals closed at once. All are pushed before the first lookup
  // answers; a Subject cannot be asked to wait.
  say(`End-of-quarter burst: ${BURST} deals at once`)
  for (let n = 1; n <= BURST; n += 1) feed.next(burstEvent(n))
  feed.complete()

  const report = await run
  subscription.unsubscribe()

  say(
    `\n${celebrated.length} high-value wins seen by the rxjs subscriber; the run wrote ${report.written}` +
      ` (read ${report.read}, dropped ${report.dropped}, failed ${report.failed})`,
  )
  for (const failure of report.failures) say(`  - ${failure.message}`)
  say(
    `Not backpressured: up to ${report.maxInFlight} records were in memory at once,` +
      ` past the run's highWaterMark of ${HIGH_WATER_MARK}.`,
  )
  return { report, celebrated, deals: report.records, highWaterMark: HIGH_WATER_MARK }
}

function liveEvents(): DealEvent[] {
  const deal = (id: string, stage: string, amount: string, owner: string): DealEvent => ({
    id,
    name: `Live deal ${id}`,
    account_id: 'ACC-001',
    region: 'AMER',
    stage,
    amount,
    owner,
    closed_at: '2026-12-30',
  })
  return [
    deal('L-1', 'won', '12500.00', 'Ada Lovelace'),
    deal('L-2', 'lost', '30000.00', 'Grace Hopper'),
    deal('L-3', 'won', 'twelve thousand', 'Alan Turing'),
    deal('L-4', 'won', '4200.00', 'Grace Hopper'),
    deal('L-5', 'won', '56000.00', 'Katherine Johnson'),
  ]
}

function burstEvent(n: number): DealEvent {
  return {
    id: `Q-${String(n).padStart(3, '0')}`,
    name: `Quarter-end deal ${n}`,
    account_id: 'ACC-002',
    region: 'EMEA',
    stage: 'won',
    amount: String(10_000 + n * 250),
    owner: 'Grace Hopper',
    closed_at: '2026-12-31',
  }
}

// Run when executed directly, not when imported (the test suite imports `main`).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
