import { pipe } from 'fp-ts/lib/function.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fromPostgres } from '../../../src/integrations/postgres/fromPostgres.js'
import { defineSink } from '../../../src/sinks/defineSink.js'
import { runToArray } from '../../../src/testing/runToArray.js'
import { toArray } from '../../../src/sinks/toArray.js'
import type { Bookmark } from '../../../src/core/Bookmark.js'
import { expectBalanced, rejection } from '../../support/ledger.js'
import { createSchema, POSTGRES_URL, type TestSchema } from '../../support/postgres.js'

let schema: TestSchema
beforeEach(async () => {
  schema = await createSchema('from')
})
afterEach(async () => {
  await schema.drop()
})

describe('fromPostgres', () => {
  it('maps column types: exact numbers as strings, timestamps as Dates, json parsed', async () => {
    const table = schema.table('typed')
    await schema.client.query(`
      CREATE TABLE ${table} (big bigint, exact numeric, small int, real double precision, yes boolean,
        at timestamptz, local timestamp, day date, doc jsonb, raw json, tags text[], counts bigint[], blob bytea);
      INSERT INTO ${table} VALUES (9007199254740993, 12.50, 7, 0.5, true, '2026-03-01 12:00:00+02',
        '2026-03-01 12:00:00', '2026-03-01', '{"a": [1, 2]}', '"text"', '{a,"b c"}', '{1,2}', '\\x0102')`)
    const report = await pipe(fromPostgres(POSTGRES_URL, `SELECT * FROM ${table}`), toArray())
    expect(report.records).toEqual([
      {
        big: '9007199254740993',
        exact: '12.50',
        small: 7,
        real: 0.5,
        yes: true,
        at: new Date('2026-03-01T10:00:00Z'),
        local: new Date('2026-03-01T12:00:00Z'),
        day: '2026-03-01',
        doc: { a: [1, 2] },
        raw: 'text',
        tags: ['a', 'b c'],
        counts: ['1', '2'],
        blob: Buffer.from([1, 2]),
      },
    ])
    const numbers = await pipe(
      fromPostgres(POSTGRES_URL, `SELECT big, exact, counts FROM ${table}`, [], {
        int8: 'bigint',
        numeric: 'number',
      }),
      toArray(),
    )
    expect(numbers.records).toEqual([{ big: 9007199254740993n, exact: 12.5, counts: [1n, 2n] }])
  })

  it('reads incrementally after a bookmark, in order with a tie-breaker, and reports the new bookmark', async () => {
    const table = schema.table('events')
    await schema.client.query(`
      CREATE TABLE ${table} (id int PRIMARY KEY, updated_at timestamptz NOT NULL);
      INSERT INTO ${table} VALUES (4, '2026-01-02Z'), (3, '2026-01-02Z'), (1, '2026-01-01Z'), (2, '2026-01-01Z'), (5, '2026-01-03Z')`)
    const sql = `SELECT id, updated_at FROM ${table}`
    const all = await pipe(
      fromPostgres(POSTGRES_URL, sql, [], {
        since: { column: 'updated_at', tieBreaker: 'id' },
        batchRows: 2,
      }),
      toArray(),
    )
    expect(all.records.map((row) => row['id'])).toEqual([1, 2, 3, 4, 5])
    expect(all['bookmark']).toEqual({
      field: 'updated_at',
      value: new Date('2026-01-03Z'),
    } satisfies Bookmark)

    const after = await pipe(
      fromPostgres(POSTGRES_URL, sql, [], {
        since: { column: 'updated_at', value: new Date('2026-01-01Z'), tieBreaker: 'id' },
      }),
      toArray(),
    )
    expect(after.records.map((row) => row['id'])).toEqual([3, 4, 5])
    const inclusive = await pipe(
      fromPostgres(POSTGRES_URL, sql, [], {
        since: {
          column: 'updated_at',
          value: new Date('2026-01-02Z'),
          inclusive: true,
          tieBreaker: 'id',
        },
      }),
      toArray(),
    )
    expect(inclusive.records.map((row) => row['id'])).toEqual([3, 4, 5])
    const nothing = await pipe(
      fromPostgres(POSTGRES_URL, sql, [], {
        since: { column: 'updated_at', value: new Date('2026-01-03Z') },
      }),
      toArray(),
    )
    expect(nothing.records).toEqual([])
    expect(nothing['bookmark']).toEqual({ field: 'updated_at', value: new Date('2026-01-03Z') })
  })

  it('fetches batches only as a slow sink takes them: rows ahead stay under the budget on a 1,000,000-row table', async () => {
    const table = schema.table('big')
    await schema.client.query(
      `CREATE TABLE ${table} AS SELECT n AS id, md5(n::text) AS payload FROM generate_series(1, 1000000) AS n`,
    )
    const controller = new AbortController()
    let taken = 0
    const slowSink = defineSink<Record<string, unknown>>({
      name: 'slow',
      batchSize: 100,
      write: async (batch) => {
        taken += batch.length
        await new Promise((resolve) => setTimeout(resolve, 1))
        if (taken >= 20_000) controller.abort()
      },
    })
    const highWaterMark = 500
    const batchRows = 1_000
    const error = await rejection(
      pipe(
        fromPostgres(POSTGRES_URL, `SELECT * FROM ${table} ORDER BY id`, [], { batchRows }),
        slowSink({ highWaterMark, signal: controller.signal }),
      ),
    )
    const report = error.report
    expect(report?.status).toBe('aborted')
    const source = report?.stages.find((stage) => stage.kind === 'source')
    const fetched = source?.details?.['fetched'] as number
    // What was fetched but not yet taken by the sink is at most one batch plus the run's budget.
    expect(fetched - taken).toBeLessThanOrEqual(batchRows + highWaterMark)
    expect(fetched).toBeLessThan(30_000)
    expect(report?.maxInFlight).toBeLessThanOrEqual(highWaterMark)
    expectBalanced(report as NonNullable<typeof report>)
    // The cursor's connection was closed.
    const cursors = async (): Promise<number> =>
      (
        await schema.client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE $1 AND pid <> pg_backend_pid()`,
          [`%FROM ${table} ORDER BY id%`],
        )
      ).rows[0]?.n ?? 0
    let open = await cursors()
    for (let attempt = 0; attempt < 100 && open > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      open = await cursors()
    }
    expect(open).toBe(0)
  }, 60_000)

  it('fails the run with the server message when the query is wrong, naming the stage', async () => {
    const error = await rejection(
      pipe(
        fromPostgres(POSTGRES_URL, 'SELECT nope FROM nowhere', [], { name: 'deals query' }),
        toArray(),
      ),
    )
    expect(error.message).toBe('deals query: the query failed: relation "nowhere" does not exist')
  })

  it('passes parameters and never shows the password when it cannot connect', async () => {
    const rows = await runToArray(
      fromPostgres(POSTGRES_URL, 'SELECT $1::text AS greeting', ['hello']),
    )
    expect(rows.records).toEqual([{ greeting: 'hello' }])
    const error = await rejection(
      pipe(
        fromPostgres('postgres://postgres:hunter2-secret@127.0.0.1:1/test', 'SELECT 1', [], {
          retries: 1,
          minDelayMs: 1,
          maxDelayMs: 2,
        }),
        toArray(),
      ),
    )
    expect(error.message).toMatch(/^fromPostgres SELECT 1: cannot connect: .*ECONNREFUSED/)
    expect(JSON.stringify({ message: error.message, report: error.report })).not.toContain(
      'hunter2-secret',
    )
  })
})
