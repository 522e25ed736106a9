import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fromCsv } from '../../../src/sources/fromCsv.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { toPostgres } from '../../../src/integrations/postgres/toPostgres.js'
import { postgresStateStore } from '../../../src/integrations/postgres/postgresStateStore.js'
import type { DatabaseReport } from '../../../src/core/DatabaseReport.js'
import type { RunReport } from '../../../src/core/RunReport.js'
import { NumberFromString } from '../../../src/codecs/NumberFromString.js'
import { expectBalanced, rejection } from '../../support/ledger.js'
import { createSchema, POSTGRES_URL, type TestSchema } from '../../support/postgres.js'
import { deal, writeDealsCsv, type DealRow } from '../../support/deals.js'

let schema: TestSchema
let directory: string
beforeEach(async () => {
  schema = await createSchema('to')
  directory = await mkdtemp(join(tmpdir(), 'powerflow-pg-'))
})
afterEach(async () => {
  await schema.drop()
  await rm(directory, { recursive: true, force: true })
})

const databaseOf = (report: RunReport): DatabaseReport => report['database'] as DatabaseReport

async function createDeals(extra = ''): Promise<string> {
  const table = schema.table('deals')
  await schema.client.query(
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12, 2) NOT NULL, closed_at timestamptz${extra})`,
  )
  return table
}

async function contents(table: string): Promise<string[]> {
  const result = await schema.client.query<{
    key: string
    name: string
    amount: string
    closed_at: Date
  }>(`SELECT id::text AS key, name, amount::text AS amount, closed_at FROM ${table} ORDER BY id`)
  return result.rows.map(
    (row) => `${row.key}|${row.name}|${row.amount}|${row.closed_at.toISOString()}`,
  )
}

/** Equal lists of lines, compared without a diff of 200,000 lines: the first difference is shown. */
function expectSameLines(actual: readonly string[], expected: readonly string[]): void {
  expect(actual.length).toBe(expected.length)
  const index = actual.findIndex((value, position) => value !== expected[position])
  if (index >= 0) expect(actual[index]).toBe(expected[index])
}

const line = (row: DealRow): string => `${row.id}|${row.name}|${row.amount}|${row.closed_at}`

describe('toPostgres', () => {
  it('appends 200,000 CSV rows: counts and contents equal the input', async () => {
    const table = await createDeals()
    const rows = Array.from({ length: 200_000 }, (_, index) => deal(index + 1))
    const path = join(directory, 'deals.csv')
    await writeDealsCsv(path, rows)

    const report = await pipe(fromCsv(path), toPostgres(POSTGRES_URL, table))

    expect(report.status).toBe('completed')
    expect(report.written).toBe(200_000)
    expectBalanced(report)
    const database = databaseOf(report)
    expect(database).toMatchObject({
      rowsCopied: 200_000,
      inserted: 200_000,
      updated: 0,
      transactions: 20,
    })
    expectSameLines(await contents(table), rows.map(line))
  }, 60_000)

  it('upserts 200,000 CSV rows over 100,000: half updated, half inserted, contents equal the input', async () => {
    const table = await createDeals()
    const first = Array.from({ length: 100_000 }, (_, index) => deal(index + 1))
    // The existing rows, made by SQL (the append test loads through the sink): deal(n) exactly.
    await schema.client.query(`
      INSERT INTO ${table}
      SELECT n, 'Deal ' || n || ', "quoted"' || E'\\t' || 'tabbed',
             (((n::bigint * 7919) % 100000) || '.' || lpad((n % 100)::text, 2, '0'))::numeric,
             '2026-01-01T00:00:00Z'::timestamptz + n * interval '1 minute'
        FROM generate_series(1, 100000) AS n`)
    expectSameLines(await contents(table), first.map(line))

    // Every second existing deal changes, and 100,000 new ones arrive, interleaved.
    const second = Array.from({ length: 200_000 }, (_, index) =>
      index % 2 === 0 ? deal(index + 1, 2) : deal(200_000 + index),
    )
    const secondPath = join(directory, 'second.csv')
    await writeDealsCsv(secondPath, second)
    const report = await pipe(
      fromCsv(secondPath),
      toPostgres(POSTGRES_URL, table, { mode: 'upsert', key: 'id' }),
    )

    expect(report.written).toBe(200_000)
    expectBalanced(report)
    const database = databaseOf(report)
    const updated = second.filter((row) => Number(row.id) <= 100_000).length
    expect(database).toMatchObject({ inserted: 200_000 - updated, updated, mode: 'upsert' })
    const expected = new Map(first.map((row) => [row.id, row]))
    for (const row of second) expected.set(row.id, row)
    const sorted = [...expected.values()].sort((a, b) => Number(a.id) - Number(b.id))
    expectSameLines(await contents(table), sorted.map(line))
  }, 60_000)

  it('fails each bad row alone, naming its CSV line and column, and writes every good row', async () => {
    const table = await createDeals(', CHECK (amount >= 0)')
    const rows = Array.from({ length: 5_000 }, (_, index) => deal(index + 1))
    // Data rows are 0-based here; the CSV line of row i is i + 2 (the header is line 1).
    const bad = new Map<number, Partial<DealRow>>([
      [16, { amount: 'twelve' }],
      [1_233, { amount: '-5.00' }],
      [1_234, { closed_at: 'not a date' }],
      [2_999, { amount: '-1.00' }],
      [4_999, { amount: '1e400' }],
    ])
    const path = join(directory, 'deals.csv')
    await writeDealsCsv(path, rows, bad)

    const report = await pipe(fromCsv(path), toPostgres(POSTGRES_URL, table, { batchRows: 2_000 }))

    expect(report.status).toBe('completed')
    expect(report.failed).toBe(5)
    expect(report.written).toBe(4_995)
    expectBalanced(report)
    const failures = [...report.failures].sort(
      (a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0),
    )
    expect(failures.map((failure) => [failure.location?.line, failure.location?.field])).toEqual([
      [18, 'amount'],
      [1_235, undefined],
      [1_236, 'closed_at'],
      [3_001, undefined],
      [5_001, 'amount'],
    ])
    expect(failures[0]).toMatchObject({
      _tag: 'SinkError',
      message: expect.stringMatching(
        /line 18 field amount: invalid input syntax for type numeric: "twelve" \(SQLSTATE 22P02\)/,
      ),
      details: { sqlState: '22P02', column: 'amount' },
      record: expect.objectContaining({ id: '17', amount: 'twelve' }),
    })
    expect(failures[1]?.details).toMatchObject({
      sqlState: '23514',
      constraint: 'deals_amount_check',
    })
    expect(failures[1]?.message).toContain('line 1235')
    const ids = (
      await schema.client.query<{ key: string }>(`SELECT id::text AS key FROM ${table} ORDER BY id`)
    ).rows.map((row) => Number(row.key))
    const badIds = [...bad.keys()].map((index) => index + 1)
    const expectedIds = rows.map((row) => Number(row.id)).filter((id) => !badIds.includes(id))
    expectSameLines(ids.map(String), expectedIds.map(String))
  }, 60_000)

  it('reports a NOT NULL and a duplicate key met in the merge, row by row', async () => {
    const table = await createDeals()
    await schema.client.query(`INSERT INTO ${table} VALUES (3, 'existing', 1, NULL)`)
    const records = [
      { id: 1, name: 'one', amount: 1 },
      { id: 2, name: null, amount: 2 },
      { id: 3, name: 'three', amount: 3 },
      { id: 4, name: 'four', amount: 4 },
    ]
    const report = await pipe(fromGenerator(records), toPostgres(POSTGRES_URL, table))
    expect(report.written).toBe(2)
    expect(
      report.failures.map((failure) => [
        failure.record,
        failure.details?.['sqlState'],
        failure.location?.field,
      ]),
    ).toEqual([
      [records[1], '23502', 'name'],
      [records[2], '23505', undefined],
    ])
    expect(report.failures[1]?.details).toMatchObject({ constraint: 'deals_pkey' })
    expectBalanced(report)
  })

  it('applies a key repeated in the input in order: the last record wins', async () => {
    const table = await createDeals()
    const report = await pipe(
      fromGenerator([
        { id: 1, name: 'first', amount: 1 },
        { id: 1, name: 'second', amount: 2 },
        { id: 2, name: 'other', amount: 3 },
      ]),
      toPostgres(POSTGRES_URL, table, { mode: 'upsert', key: 'id' }),
    )
    expect(report.written).toBe(3)
    expect(databaseOf(report)).toMatchObject({ inserted: 2, updated: 1 })
    const rows = await schema.client.query(`SELECT id::int, name FROM ${table} ORDER BY id`)
    expect(rows.rows).toEqual([
      { id: 1, name: 'second' },
      { id: 2, name: 'other' },
    ])
  })

  it('upserts straight into the target while it has none of the keys, through staging once it has', async () => {
    const table = await createDeals(', UNIQUE (name)')
    await schema.client.query(`INSERT INTO ${table} VALUES (3, 'old three', 1, NULL)`)
    const records = [
      { id: 1, name: 'one', amount: 1 },
      { id: 2, name: 'two', amount: 2 },
      { id: 3, name: 'three', amount: 3 },
      { id: 4, name: 'four', amount: 4 },
      { id: 5, name: 'five', amount: 5 },
      { id: 6, name: 'one', amount: 6 },
    ]
    const report = await pipe(
      fromGenerator(records),
      toPostgres(POSTGRES_URL, table, { mode: 'upsert', key: 'id', batchRows: 2 }),
    )
    // Round 1 goes straight in; round 2 meets key 3 and is upserted; round 3 is upserted at once,
    // and its other unique violation (name 'one') is a bad row, not a reason to give up.
    expect(report.written).toBe(5)
    expect(
      report.failures.map((failure) => [failure.record, failure.details?.['sqlState']]),
    ).toEqual([[records[5], '23505']])
    expect(databaseOf(report)).toMatchObject({ inserted: 4, updated: 1, transactions: 3 })
    const rows = await schema.client.query(`SELECT id::int, name FROM ${table} ORDER BY id`)
    expect(rows.rows.map((row: { id: number; name: string }) => `${row.id} ${row.name}`)).toEqual([
      '1 one',
      '2 two',
      '3 three',
      '4 four',
      '5 five',
    ])
    expectBalanced(report)
  })

  it('retries a round whose connection is terminated, and commits every row once', async () => {
    const { table } = await killingTable()
    const report = await pipe(
      fromGenerator(Array.from({ length: 10_000 }, (_, index) => ({ id: index + 1 }))),
      toPostgres(POSTGRES_URL, table, {
        batchRows: 1_000,
        retries: 2,
        minDelayMs: 1,
        maxDelayMs: 5,
      }),
    )
    expect(report.written).toBe(10_000)
    expect(databaseOf(report).retries).toBe(1)
    const count = await schema.client.query(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM ${table}`,
    )
    expect(count.rows[0]).toEqual({ n: 10_000, d: 10_000 })
  })

  it('fails with the partial report when the connection is lost past its retries: whole transactions only', async () => {
    const { table } = await killingTable()
    const error = await rejection(
      pipe(
        fromGenerator(Array.from({ length: 10_000 }, (_, index) => ({ id: index + 1 }))),
        toPostgres(POSTGRES_URL, table, { batchRows: 1_000, retries: 0 }),
      ),
    )
    const report = error.report as RunReport
    expect(report.status).toBe('failed')
    expect(error.message).toMatch(
      /terminating connection due to administrator command.*; 5 transactions committed before it \(5000 rows\); a round of 1000 rows was rolled back/,
    )
    expectBalanced(report)
    const count = await schema.client.query(`SELECT count(*)::int AS n FROM ${table}`)
    expect(count.rows[0]?.n).toBe(report.written)
    expect(report.written).toBe(5_000)
    expect(databaseOf(report).transactions).toBe(5)
    // What was read but not committed is dropped as aborted: the round rolled back, and the next.
    expect(report.droppedByReason['aborted']).toBe(report.read - 5_000)
  })

  it('replaces the table: a concurrent reader sees the old rows or the new, never none or part', async () => {
    const table = await createDeals()
    await schema.client.query(
      `INSERT INTO ${table} SELECT n, 'old ' || n, n, NULL FROM generate_series(1, 10000) AS n`,
    )
    const reader = await createReader()
    const seen = new Set<number>()
    let running = true
    const reading = (async () => {
      while (running) {
        const result = await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
        seen.add(result.rows[0]?.n ?? -1)
      }
    })()
    const report = await pipe(
      fromGenerator(
        (async function* () {
          for (let n = 1; n <= 30_000; n++) {
            yield { id: n, name: `new ${n}`, amount: n }
            if (n % 3_000 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
          }
        })(),
      ),
      toPostgres(POSTGRES_URL, table, { mode: 'replace', batchRows: 3_000 }),
    )
    running = false
    await reading
    await reader.end()
    expect(report.written).toBe(30_000)
    expect([...seen].every((n) => n === 10_000 || n === 30_000)).toBe(true)
    expect(seen.has(10_000)).toBe(true)
    const after = await schema.client.query(
      `SELECT count(*)::int AS n, min(name) AS name FROM ${table}`,
    )
    expect(after.rows[0]).toEqual({ n: 30_000, name: 'new 1' })
    // The primary key came along.
    await expect(
      schema.client.query(`INSERT INTO ${table} VALUES (1, 'dup', 1, NULL)`),
    ).rejects.toThrow(/duplicate key/)
    const leftovers = await schema.client.query(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`,
      [schema.name],
    )
    expect(leftovers.rows[0]?.n).toBe(1)
  }, 30_000)

  it('leaves the target as it was when a replace fails, and drops its new table', async () => {
    const table = await createDeals()
    await schema.client.query(`INSERT INTO ${table} VALUES (1, 'old', 1, NULL)`)
    const error = await rejection(
      pipe(
        fromGenerator([
          { id: 1, name: 'new', amount: 1, closed_at: null },
          { id: 2, nope: 1 },
        ]),
        toPostgres(POSTGRES_URL, table, { mode: 'replace', failureCap: 10 }),
        // fail-fast: the second record stops the run before the swap
      ).then((report) => {
        if (report.failed > 0) throw Object.assign(new Error('failed rows'), { report })
        return report
      }),
    )
    expect(error.report?.failed).toBe(1)
    // That run completed (a bad row is not a fault): the swap happened with the good row.
    const rows = await schema.client.query(`SELECT name FROM ${table}`)
    expect(rows.rows).toEqual([{ name: 'new' }])

    const aborted = new AbortController()
    const stopped = await rejection(
      pipe(
        fromGenerator(
          (async function* () {
            yield { id: 5, name: 'five', amount: 5 }
            aborted.abort()
            yield { id: 6, name: 'six', amount: 6 }
          })(),
        ),
        toPostgres(POSTGRES_URL, table, { mode: 'replace', signal: aborted.signal, batchRows: 1 }),
      ),
    )
    expect(stopped.report?.status).toBe('aborted')
    expect((await schema.client.query(`SELECT name FROM ${table}`)).rows).toEqual([{ name: 'new' }])
    const tables = await schema.client.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1`,
      [schema.name],
    )
    expect(tables.rows).toEqual([{ tablename: 'deals' }])
  })

  it('creates the table from the records, and says what it created', async () => {
    const table = schema.table('made')
    const report = await pipe(
      fromGenerator([
        {
          id: 'a',
          count: 1,
          ratio: 0.5,
          won: true,
          at: new Date('2026-01-01T00:00:00Z'),
          meta: { x: 1 },
          note: null,
        },
        {
          id: 'b',
          count: 2,
          ratio: 1,
          won: false,
          at: new Date('2026-01-02T00:00:00Z'),
          meta: [1],
          note: 'n',
        },
      ]),
      toPostgres(POSTGRES_URL, table, { createTable: true, key: 'id' }),
    )
    expect(report.written).toBe(2)
    expect(databaseOf(report).created).toEqual({
      table,
      columns: [
        { name: 'id', type: 'text', nullable: false },
        { name: 'count', type: 'bigint', nullable: true },
        { name: 'ratio', type: 'double precision', nullable: true },
        { name: 'won', type: 'boolean', nullable: true },
        { name: 'at', type: 'timestamptz', nullable: true },
        { name: 'meta', type: 'jsonb', nullable: true },
        { name: 'note', type: 'text', nullable: true },
      ],
    })
    const rows = await schema.client.query(`SELECT * FROM ${table} ORDER BY id`)
    expect(rows.rows[1]).toEqual({
      id: 'b',
      count: '2',
      ratio: 1,
      won: false,
      at: new Date('2026-01-02T00:00:00Z'),
      meta: [1],
      note: 'n',
    })
  })

  it('creates the table from an io-ts codec given as schema', async () => {
    const table = schema.table('coded')
    const Deal = t.intersection([
      t.type({ id: t.string, amount: NumberFromString, seats: t.Int }),
      t.partial({ closedAt: t.union([t.string, t.null]) }),
    ])
    const report = await pipe(
      fromGenerator([] as Array<{ id: string }>),
      toPostgres(POSTGRES_URL, table, { createTable: true, schema: Deal, key: 'id' }),
    )
    expect(databaseOf(report).created?.columns).toEqual([
      { name: 'id', type: 'text', nullable: false },
      { name: 'amount', type: 'double precision', nullable: false },
      { name: 'seats', type: 'bigint', nullable: false },
      { name: 'closedAt', type: 'text', nullable: true },
    ])
    const exists = await schema.client.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table])
    expect(exists.rows[0]?.ok).toBe(true)
  })

  it('adds columns for new fields, or fails those records, as schemaEvolution says', async () => {
    const table = await createDeals()
    const records = [
      { id: 1, name: 'one', amount: 1 },
      { id: 2, name: 'two', amount: 2, region: 'EMEA', seats: 4 },
    ]
    const strict = await pipe(fromGenerator(records), toPostgres(POSTGRES_URL, table))
    expect(strict.written).toBe(1)
    expect(strict.failures[0]).toMatchObject({
      message: `toPostgres ${table} field region: fields not in table ${table}: region, seats (schemaEvolution: 'fail')`,
      details: { unknownFields: ['region', 'seats'] },
    })
    const evolving = await pipe(
      fromGenerator(records.map((record) => ({ ...record, id: record.id + 10 }))),
      toPostgres(POSTGRES_URL, table, { schemaEvolution: 'add-columns' }),
    )
    expect(evolving.written).toBe(2)
    expect(databaseOf(evolving).columnsAdded).toEqual([
      { name: 'region', type: 'text', nullable: true },
      { name: 'seats', type: 'bigint', nullable: true },
    ])
    const row = await schema.client.query(`SELECT region, seats::int FROM ${table} WHERE id = 12`)
    expect(row.rows).toEqual([{ region: 'EMEA', seats: 4 }])
  })

  it('fails before reading when the table or the key is missing, or the options cannot work', async () => {
    const missing = await rejection(
      pipe(fromGenerator([{ id: 1 }]), toPostgres(POSTGRES_URL, schema.table('nope'))),
    )
    expect(missing.message).toBe(
      `toPostgres ${schema.table('nope')}: table ${schema.table('nope')} does not exist; create it, or pass createTable: true`,
    )
    expect(missing.report?.written).toBe(0)
    expect(() => toPostgres(POSTGRES_URL, 'deals', { mode: 'upsert' })).toThrow(/needs a key/)
    expect(() => toPostgres(POSTGRES_URL, 'deals', { batchRows: 0 })).toThrow(/batchRows/)
    const table = await createDeals()
    const badKey = await rejection(
      pipe(
        fromGenerator([{ id: 1 }]),
        toPostgres(POSTGRES_URL, table, { mode: 'upsert', key: 'email' }),
      ),
    )
    expect(badKey.message).toMatch(/key column email not in table/)
  })

  it('never shows the password of the connection', async () => {
    const error = await rejection(
      pipe(
        fromGenerator([{ id: 1 }]),
        toPostgres('postgres://postgres:hunter2-secret@127.0.0.1:1/test', 'deals', { retries: 0 }),
      ),
    )
    expect(error.message).toMatch(/ECONNREFUSED/)
    expect(JSON.stringify({ message: error.message, report: error.report })).not.toContain(
      'hunter2-secret',
    )
  })
})

/** A table whose insert trigger terminates its own connection once, on the 5,500th row. */
async function killingTable(): Promise<{ table: string }> {
  const table = schema.table('fragile')
  await schema.client.query(`
    CREATE TABLE ${table} (id bigint PRIMARY KEY);
    CREATE SEQUENCE ${schema.name}.kills;
    CREATE FUNCTION ${schema.name}.kill_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = 5500 AND nextval('${schema.name}.kills') = 1 THEN
        PERFORM pg_terminate_backend(pg_backend_pid());
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER kill_once BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${schema.name}.kill_once();
  `)
  return { table }
}

async function createReader() {
  const pg = (await import('pg')).default
  const client = new pg.Client(POSTGRES_URL)
  client.on('error', () => undefined)
  await client.connect()
  return client
}

describe('toPostgres with the run state in the same database', () => {
  const stateOf = (key = 'deals') => ({
    store: postgresStateStore(POSTGRES_URL, { table: schema.table('powerflow_state') }),
    key,
  })

  async function plainDeals(killAtId?: number): Promise<string> {
    // No key: a row loaded twice would show as a duplicate.
    const table = schema.table('loaded')
    await schema.client.query(
      `CREATE TABLE ${table} (id bigint NOT NULL, name text NOT NULL, amount numeric(12, 2), closed_at timestamptz)`,
    )
    if (killAtId !== undefined)
      await schema.client.query(`
        CREATE SEQUENCE ${schema.name}.kills;
        CREATE FUNCTION ${schema.name}.kill_once() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.id = ${killAtId} AND nextval('${schema.name}.kills') = 1 THEN
            PERFORM pg_terminate_backend(pg_backend_pid());
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER kill_once BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${schema.name}.kill_once();`)
    return table
  }

  async function counts(table: string): Promise<{ n: number; d: number }> {
    const result = await schema.client.query<{ n: number; d: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM ${table}`,
    )
    return result.rows[0] as { n: number; d: number }
  }

  async function savedState(): Promise<string | undefined> {
    const result = await schema.client.query<{ value: string }>(
      `SELECT value FROM ${schema.table('powerflow_state')} WHERE key = 'deals'`,
    )
    return result.rows[0]?.value
  }

  const load = (path: string, table: string, extra: object = {}) =>
    pipe(
      fromCsv(path, { name: 'deals' }),
      toPostgres(POSTGRES_URL, table, { batchRows: 1_000, state: stateOf(), ...extra }),
    )

  it('commits the rows and the position in one transaction: the next run reads only new rows', async () => {
    const table = await plainDeals()
    const path = join(directory, 'deals.csv')
    const rows = Array.from({ length: 8_000 }, (_, index) => deal(index + 1))
    await writeDealsCsv(path, rows.slice(0, 3_000))

    const first = await load(path, table)
    expect(first.written).toBe(3_000)
    expect(databaseOf(first)).toMatchObject({ transactions: 1, inserted: 3_000 })
    expect(first['state']).toMatchObject({ key: 'deals' })
    expect(JSON.parse((await savedState()) as string)).toMatchObject({ version: 1 })

    await writeDealsCsv(path, rows)
    const second = await load(path, table)
    expect([second.read, second.written]).toEqual([5_000, 5_000])
    expect(await counts(table)).toEqual({ n: 8_000, d: 8_000 })
    expectSameLines(await contents(table), rows.map(line))
    expectBalanced(second)
  })

  it('leaves neither rows nor position behind when the connection dies mid-load; the rerun loads each row once', async () => {
    const table = await plainDeals(4_500)
    const path = join(directory, 'deals.csv')
    const rows = Array.from({ length: 8_000 }, (_, index) => deal(index + 1))
    await writeDealsCsv(path, rows.slice(0, 3_000))
    await load(path, table)
    const saved = await savedState()

    await writeDealsCsv(path, rows)
    const error = await rejection(load(path, table, { retries: 3, minDelayMs: 1 }))
    expect(error.message).toMatch(/the run's one transaction \(rows and state\) was rolled back/)
    const report = error.report as RunReport
    expect(report.written).toBe(0)
    expectBalanced(report)
    expect(await counts(table)).toEqual({ n: 3_000, d: 3_000 })
    expect(await savedState()).toBe(saved)

    const rerun = await load(path, table)
    expect(rerun.written).toBe(5_000)
    expect(await counts(table)).toEqual({ n: 8_000, d: 8_000 })
  })

  it('shares one pool of a single client between the store and the sink', async () => {
    const table = await plainDeals()
    const path = join(directory, 'deals.csv')
    await writeDealsCsv(
      path,
      Array.from({ length: 1_500 }, (_, index) => deal(index + 1)),
    )
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 })
    try {
      const state = {
        store: postgresStateStore(pool, { table: schema.table('powerflow_state') }),
        key: 'deals',
      }
      const run = () =>
        pipe(fromCsv(path, { name: 'deals' }), toPostgres(pool, table, { batchRows: 1_000, state }))
      expect((await run()).written).toBe(1_500)
      expect((await run()).read).toBe(0)
      expect(await counts(table)).toEqual({ n: 1_500, d: 1_500 })
    } finally {
      await pool.end()
    }
  })

  it('rolls the rows back with a position that cannot be written', async () => {
    const table = await plainDeals()
    const path = join(directory, 'deals.csv')
    const rows = Array.from({ length: 2_000 }, (_, index) => deal(index + 1))
    await writeDealsCsv(path, rows)
    const state = schema.table('powerflow_state')
    await schema.client.query(
      `CREATE TABLE ${state} (key text PRIMARY KEY, value text NOT NULL, updated_at timestamptz NOT NULL)`,
    )
    await schema.client.query(`ALTER TABLE ${state} ADD CONSTRAINT refuse CHECK (false) NOT VALID`)

    const error = await rejection(load(path, table))
    expect(error.message).toMatch(/refuse/)
    expect(await counts(table)).toEqual({ n: 0, d: 0 })
    expect(await savedState()).toBeUndefined()

    await schema.client.query(`ALTER TABLE ${state} DROP CONSTRAINT refuse`)
    expect((await load(path, table)).written).toBe(2_000)
    expect((await load(path, table)).read).toBe(0)
    expect(await counts(table)).toEqual({ n: 2_000, d: 2_000 })
  })

  it('writes the position in the swap of a replace, and keeps a bad row a failure in one transaction', async () => {
    const table = await plainDeals()
    const path = join(directory, 'deals.csv')
    const rows = Array.from({ length: 1_500 }, (_, index) => deal(index + 1))
    await writeDealsCsv(path, rows, new Map([[700, { amount: 'lots' }]]))
    const appended = await load(path, table)
    expect([appended.written, appended.failed]).toEqual([1_499, 1])
    expect(appended.failures[0]?.location).toMatchObject({ line: 702, field: 'amount' })
    expect(await counts(table)).toEqual({ n: 1_499, d: 1_499 })

    await writeDealsCsv(path, rows.slice(0, 200))
    const replaced = await pipe(
      fromCsv(path, { name: 'other' }),
      toPostgres(POSTGRES_URL, table, { mode: 'replace', state: stateOf('other') }),
    )
    expect(replaced.written).toBe(200)
    const keys = await schema.client.query(
      `SELECT key FROM ${schema.table('powerflow_state')} ORDER BY key`,
    )
    expect(keys.rows.map((row: { key: string }) => row.key)).toEqual(['deals', 'other'])
  })
})
