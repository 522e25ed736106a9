/**
 * incremental-sync: copy the orders an application added since the last run, and only those —
 * the job a scheduler starts every 15 minutes.
 *
 *   npx tsx examples/incremental-sync.ts [output folder]
 *
 * The application's database is examples/out/app.db (SQLite); each run of this example first adds
 * a few orders to it, as the application would between two syncs. The pipeline reads the orders
 * table incrementally (`since: { column: 'id' }`) into examples/out/new-orders.csv. The `state`
 * run option keeps the last id read in examples/out/sync-state.json — saved only once the CSV file
 * is renamed into place — so the next run starts after it without being told where.
 *
 * (This example runs with tsx from the repository. In your project: import from 'powerflow-etl'
 * and 'powerflow-etl/sqlite'.)
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { fileStateStore, pipe, toCsv, type RunReport } from '../src/index.js'
import { fromSqlite } from '../src/integrations/sqlite/index.js'
import { defaultOutDir, shown } from './shared/paths.js'

export interface IncrementalSyncOptions {
  /** Where the databases, the state and the output go (default: examples/out). */
  readonly outDir?: string
  /** Orders the application adds before this run (default 5). */
  readonly newOrders?: number
  /** Print nothing. */
  readonly quiet?: boolean
}

export interface IncrementalSyncResult {
  readonly report: RunReport
  /** The CSV file holding this run's orders. */
  readonly output: string
}

/** The application's side: a few new orders, with the next ids. */
function addOrders(path: string, count: number): void {
  const db = new Database(path)
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, customer TEXT, amount REAL)',
    )
    const insert = db.prepare('INSERT INTO orders (customer, amount) VALUES (?, ?)')
    for (let n = 0; n < count; n++) insert.run(`customer ${n + 1}`, 10 * (n + 1))
  } finally {
    db.close()
  }
}

export async function main(options: IncrementalSyncOptions = {}): Promise<IncrementalSyncResult> {
  const outDir = options.outDir ?? defaultOutDir()
  await mkdir(outDir, { recursive: true })
  const app = join(outDir, 'app.db')
  addOrders(app, options.newOrders ?? 5)

  const output = join(outDir, 'new-orders.csv')
  const report = await pipe(
    fromSqlite(app, 'SELECT id, customer, amount FROM orders', [], {
      name: 'orders',
      since: { column: 'id' },
    }),
    toCsv(output, {
      state: { store: fileStateStore(join(outDir, 'sync-state.json')), key: 'orders' },
    }),
  )

  if (options.quiet !== true)
    process.stdout.write(
      `\n${report.written} new orders written to ${shown(output)}; ` +
        `the next run starts after id ${String(report.bookmark?.value ?? '(none)')}\n`,
    )
  return { report, output }
}

// Run when executed directly, not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  main(outDir === undefined ? {} : { outDir }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
