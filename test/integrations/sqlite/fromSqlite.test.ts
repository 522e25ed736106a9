import Database from 'better-sqlite3'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { fromSqlite } from '../../../src/integrations/sqlite/fromSqlite.js'
import { defineSink } from '../../../src/sinks/defineSink.js'
import { toArray } from '../../../src/sinks/toArray.js'
import { expectBalanced, rejection } from '../../support/ledger.js'
import { sqliteWorkspace } from '../../support/sqliteFile.js'

const workspace = sqliteWorkspace()

describe('fromSqlite', () => {
  it('maps declared types: timestamps as Dates, booleans, JSON parsed; integers as numbers or bigints', async () => {
    const db = new Database(':memory:')
    db.exec(`CREATE TABLE t (id INTEGER, at TIMESTAMP, won BOOLEAN, meta JSON, note TEXT, blob BLOB);
      INSERT INTO t VALUES (9007199254740993, '2026-03-01 12:00:00', 1, '{"a":1}', NULL, x'0102')`)
    const report = await pipe(fromSqlite(db, 'SELECT * FROM t'), toArray())
    expect(report.records).toEqual([
      {
        id: 9007199254740992,
        at: new Date('2026-03-01T12:00:00Z'),
        won: true,
        meta: { a: 1 },
        note: null,
        blob: Buffer.from([1, 2]),
      },
    ])
    const exact = await pipe(
      fromSqlite(db, 'SELECT id FROM t', [], { integers: 'bigint' }),
      toArray(),
    )
    expect(exact.records).toEqual([{ id: 9007199254740993n }])
    db.close()
  })

  it('reads incrementally after a bookmark with a tie-breaker, and reports the new bookmark', async () => {
    const db = new Database(':memory:')
    db.exec(
      `CREATE TABLE e (id INTEGER, v INTEGER); INSERT INTO e VALUES (4, 2), (3, 2), (1, 1), (2, 1), (5, 3)`,
    )
    const report = await pipe(
      fromSqlite(db, 'SELECT * FROM e', [], {
        since: { column: 'v', value: 1, tieBreaker: 'id' },
        batchRows: 2,
      }),
      toArray(),
    )
    expect(report.records.map((row) => row['id'])).toEqual([3, 4, 5])
    expect(report['bookmark']).toEqual({ field: 'v', value: 3 })
    db.close()
  })

  it('takes rows only as a slow sink takes them from a 1,000,000-row table', async () => {
    const db = new Database(workspace.path)
    db.exec(`CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
      INSERT INTO big SELECT i, hex(randomblob(8)) FROM n`)
    db.close()
    const controller = new AbortController()
    let taken = 0
    const slow = defineSink<Record<string, unknown>>({
      name: 'slow',
      batchSize: 100,
      write: async (batch) => {
        taken += batch.length
        await new Promise((resolve) => setTimeout(resolve, 1))
        if (taken >= 20_000) controller.abort()
      },
    })
    const error = await rejection(
      pipe(
        fromSqlite(workspace.path, 'SELECT * FROM big ORDER BY id', [], { batchRows: 1_000 }),
        slow({ highWaterMark: 500, signal: controller.signal }),
      ),
    )
    const report = error.report
    const fetched = report?.stages.find((stage) => stage.kind === 'source')?.details?.[
      'fetched'
    ] as number
    expect(fetched - taken).toBeLessThanOrEqual(1_000 + 500)
    expect(report?.maxInFlight).toBeLessThanOrEqual(500)
    expectBalanced(report as NonNullable<typeof report>)
  }, 60_000)

  it('fails the run with SQLite message when the query is wrong', async () => {
    const db = new Database(':memory:')
    const error = await rejection(pipe(fromSqlite(db, 'SELECT * FROM nowhere'), toArray()))
    expect(error.message).toBe(
      'fromSqlite SELECT * FROM nowhere: the query failed: no such table: nowhere',
    )
    db.close()
  })
})
