import { join } from 'node:path'
import Database from 'better-sqlite3'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { fromCsv } from '../../../src/sources/fromCsv.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { toSqlite } from '../../../src/integrations/sqlite/toSqlite.js'
import { sqliteStateStore } from '../../../src/integrations/sqlite/sqliteStateStore.js'
import type { StateStore } from '../../../src/core/StateStore.js'
import { map } from 'rxjs'
import { isRight } from 'fp-ts/lib/Either.js'
import type { DatabaseReport } from '../../../src/core/DatabaseReport.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { expectBalanced, rejection } from '../../support/ledger.js'
import { sqliteWorkspace } from '../../support/sqliteFile.js'
import { deal, writeDealsCsv, type DealRow } from '../../support/deals.js'

const workspace = sqliteWorkspace()

const databaseOf = (report: RunReport): DatabaseReport => report['database'] as DatabaseReport

function createDeals(extra = ''): void {
  const db = new Database(workspace.path)
  db.exec(
    `CREATE TABLE deals (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC NOT NULL, closed_at TEXT${extra})`,
  )
  db.close()
}

function contents(): string[] {
  const db = new Database(workspace.path, { readonly: true })
  const rows = db
    .prepare("SELECT id, name, printf('%.2f', amount) AS amount, closed_at FROM deals ORDER BY id")
    .all() as Array<Record<string, unknown>>
  db.close()
  return rows.map(
    (row) =>
      `${String(row['id'])}|${String(row['name'])}|${String(row['amount'])}|${String(row['closed_at'])}`,
  )
}

const line = (row: DealRow): string => `${row.id}|${row.name}|${row.amount}|${row.closed_at}`

function expectSameLines(actual: readonly string[], expected: readonly string[]): void {
  expect(actual.length).toBe(expected.length)
  const index = actual.findIndex((value, position) => value !== expected[position])
  if (index >= 0) expect(actual[index]).toBe(expected[index])
}

describe('toSqlite', () => {
  it('appends then upserts 200,000 CSV rows: counts and contents equal the input', async () => {
    createDeals()
    const rows = Array.from({ length: 200_000 }, (_, index) => deal(index + 1))
    const csv = join(workspace.directory, 'deals.csv')
    await writeDealsCsv(csv, rows)
    const appended = await pipe(fromCsv(csv), toSqlite(workspace.path, 'deals'))
    expect(appended.written).toBe(200_000)
    expect(databaseOf(appended)).toMatchObject({ inserted: 200_000, transactions: 20 })
    expectBalanced(appended)
    expectSameLines(contents(), rows.map(line))

    const second = Array.from({ length: 200_000 }, (_, index) =>
      index % 2 === 0 ? deal(index + 1, 2) : deal(200_000 + index),
    )
    await writeDealsCsv(csv, second)
    const upserted = await pipe(
      fromCsv(csv),
      toSqlite(workspace.path, 'deals', { mode: 'upsert', key: 'id' }),
    )
    expect(upserted.written).toBe(200_000)
    expect(databaseOf(upserted)).toMatchObject({ inserted: 100_000, updated: 100_000 })
    const expected = new Map(rows.map((row) => [row.id, row]))
    for (const row of second) expected.set(row.id, row)
    expectSameLines(
      contents(),
      [...expected.values()].sort((a, b) => Number(a.id) - Number(b.id)).map(line),
    )
  }, 60_000)

  it('fails each bad row alone, naming its CSV line and column, and writes every good row', async () => {
    createDeals(', CHECK (amount >= 0)')
    const rows = Array.from({ length: 3_000 }, (_, index) => deal(index + 1))
    const csv = join(workspace.directory, 'deals.csv')
    await writeDealsCsv(
      csv,
      rows,
      new Map([
        [9, { amount: '-3' }],
        [1_500, { id: '1500' }],
      ]),
    )
    const report = await pipe(fromCsv(csv), toSqlite(workspace.path, 'deals', { batchRows: 1_000 }))
    expect(report.written).toBe(2_998)
    expectBalanced(report)
    expect(
      report.failures.map((failure) => [
        failure.location?.line,
        failure.location?.field,
        failure.details?.['code'],
      ]),
    ).toEqual([
      [11, undefined, 'SQLITE_CONSTRAINT_CHECK'],
      [1_502, 'id', 'SQLITE_CONSTRAINT_PRIMARYKEY'],
    ])
    expect(report.failures[1]?.message).toMatch(
      /line 1502 field id: UNIQUE constraint failed: deals\.id \(SQLITE_CONSTRAINT_PRIMARYKEY\)$/,
    )
  })

  it('replaces the table: another connection reads the old rows or the new, never none or part', async () => {
    createDeals()
    const writer = new Database(workspace.path)
    writer.pragma('journal_mode = WAL')
    writer.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
      INSERT INTO deals SELECT i, 'old', i, NULL FROM n`)
    writer.close()
    const reader = new Database(workspace.path, { readonly: true })
    const seen = new Set<number>()
    const report = await pipe(
      fromGenerator(
        (async function* () {
          for (let n = 1; n <= 5_000; n++) {
            yield { id: n, name: 'new', amount: n }
            if (n % 500 === 0) {
              seen.add((reader.prepare('SELECT count(*) AS n FROM deals').get() as { n: number }).n)
              await new Promise((resolve) => setTimeout(resolve, 1))
            }
          }
        })(),
      ),
      toSqlite(workspace.path, 'deals', { mode: 'replace', batchRows: 500 }),
    )
    seen.add((reader.prepare('SELECT count(*) AS n FROM deals').get() as { n: number }).n)
    reader.close()
    expect(report.written).toBe(5_000)
    expect([...seen].sort((a, b) => a - b)).toEqual([1_000, 5_000])
  })

  it('creates the table, adds columns for new fields, and upserts a key repeated in the input in order', async () => {
    const db = new Database(':memory:')
    const report = await pipe(
      fromGenerator([
        { id: 'a', amount: 1, won: true, at: new Date('2026-01-01T00:00:00Z'), meta: { x: 1 } },
        { id: 'a', amount: 2, won: false, at: new Date('2026-01-01T00:00:00Z'), meta: { x: 2 } },
      ]),
      toSqlite(db, 'deals', { createTable: true, mode: 'upsert', key: 'id' }),
    )
    expect(databaseOf(report)).toMatchObject({
      inserted: 1,
      updated: 1,
      created: {
        table: 'deals',
        columns: [
          { name: 'id', type: 'TEXT', nullable: false },
          { name: 'amount', type: 'INTEGER', nullable: true },
          { name: 'won', type: 'BOOLEAN', nullable: true },
          { name: 'at', type: 'TIMESTAMP', nullable: true },
          { name: 'meta', type: 'JSON', nullable: true },
        ],
      },
    })
    expect(db.prepare('SELECT * FROM deals').all()).toEqual([
      { id: 'a', amount: 2, won: 0, at: '2026-01-01T00:00:00.000Z', meta: '{"x":2}' },
    ])
    const evolved = await pipe(
      fromGenerator([{ id: 'b', amount: 3, region: 'EMEA' }]),
      toSqlite(db, 'deals', { schemaEvolution: 'add-columns' }),
    )
    expect(databaseOf(evolved).columnsAdded).toEqual([
      { name: 'region', type: 'TEXT', nullable: true },
    ])
    const strict = await pipe(fromGenerator([{ id: 'c', seats: 3 }]), toSqlite(db, 'deals'))
    expect(strict.failures[0]?.message).toBe(
      "toSqlite deals field seats: fields not in table deals: seats (schemaEvolution: 'fail')",
    )
    db.close()
  })

  it('fails before writing when the table is missing', async () => {
    const error = await rejection(
      pipe(fromGenerator([{ id: 1 }]), toSqlite(workspace.path, 'nope')),
    )
    expect(error.message).toBe(
      'toSqlite nope: table nope does not exist; create it, or pass createTable: true',
    )
    expect(error.report?.written).toBe(0)
  })
})

describe('toSqlite with the run state in the same database', () => {
  function plainDeals(): void {
    // No key: a row loaded twice would show as a duplicate.
    const db = new Database(workspace.path)
    db.exec(
      'CREATE TABLE loaded (id INTEGER NOT NULL, name TEXT NOT NULL, amount NUMERIC, closed_at TEXT)',
    )
    db.close()
  }

  function query<T>(sql: string): T {
    const db = new Database(workspace.path, { readonly: true })
    try {
      return db.prepare(sql).get() as T
    } finally {
      db.close()
    }
  }

  const counts = (): { n: number; d: number } =>
    query('SELECT count(*) AS n, count(DISTINCT id) AS d FROM loaded')
  const savedState = (): string | undefined =>
    query<{ value: string } | undefined>("SELECT value FROM powerflow_state WHERE key = 'deals'")
      ?.value

  async function withState<T>(work: (state: { store: StateStore; key: string }) => Promise<T>) {
    const store = sqliteStateStore(workspace.path)
    try {
      return await work({ store, key: 'deals' })
    } finally {
      store.close()
    }
  }

  const load = (path: string, breakAt?: string) =>
    withState((state) =>
      pipe(
        fromCsv(path, { name: 'deals' }),
        (flow) =>
          flow.pipe(
            map((item) => {
              // A crash in the middle of the run: the stream errors.
              if (isRight(item) && item.right['id'] === breakAt) throw new Error('crashed')
              return item
            }),
          ),
        toSqlite(workspace.path, 'loaded', { batchRows: 1_000, state }),
      ),
    )

  it('commits the rows and the position together; a run that dies leaves neither; the next loads each row once', async () => {
    plainDeals()
    const path = join(workspace.directory, 'deals.csv')
    const rows = Array.from({ length: 8_000 }, (_, index) => deal(index + 1))
    await writeDealsCsv(path, rows.slice(0, 3_000))
    const first = await load(path)
    expect(first.written).toBe(3_000)
    expect(databaseOf(first).transactions).toBe(1)
    const saved = savedState()
    expect(JSON.parse(saved as string)).toMatchObject({ version: 1 })

    await writeDealsCsv(path, rows)
    const error = await rejection(load(path, '6500'))
    expect(error.message).toMatch(/crashed/)
    expect(counts()).toEqual({ n: 3_000, d: 3_000 })
    expect(savedState()).toBe(saved)

    const rerun = await load(path)
    expect([rerun.read, rerun.written]).toEqual([5_000, 5_000])
    expect(counts()).toEqual({ n: 8_000, d: 8_000 })
    expect((await load(path)).read).toBe(0)
    expect(counts()).toEqual({ n: 8_000, d: 8_000 })
  })

  it('rolls the rows back with a position that cannot be written', async () => {
    plainDeals()
    const path = join(workspace.directory, 'deals.csv')
    await writeDealsCsv(
      path,
      Array.from({ length: 2_000 }, (_, index) => deal(index + 1)),
    )
    const db = new Database(workspace.path)
    db.exec(`CREATE TABLE powerflow_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TRIGGER refuse BEFORE INSERT ON powerflow_state BEGIN SELECT RAISE(ABORT, 'refused'); END;`)
    db.close()

    const error = await rejection(load(path))
    expect(error.message).toMatch(/refused/)
    expect(counts()).toEqual({ n: 0, d: 0 })

    const again = new Database(workspace.path)
    again.exec('DROP TRIGGER refuse')
    again.close()
    expect((await load(path)).written).toBe(2_000)
    expect(counts()).toEqual({ n: 2_000, d: 2_000 })
  })
})
