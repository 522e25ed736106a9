import type * as t from 'io-ts'
import type { Sink } from '../../core/Sink.js'
import type { RunOptions } from '../../core/RunOptions.js'
import { runSink } from '../../internal/runSink.js'
import { retryPolicyOf } from '../../internal/retry.js'
import { roundSink } from '../../internal/database/roundSink.js'
import { checkSinkOptions } from '../../internal/database/sinkOptions.js'
import { SqliteWriter, type SqliteWriterSettings } from './SqliteWriter.js'
import { stateBindingOf } from '../../internal/database/stateBinding.js'
import type { RunState } from '../../internal/runState.js'
import type { SqliteDatabase } from './SqliteDatabase.js'

/**
 * Options of {@link toSqlite}, besides the run's options.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface ToSqliteOptions extends RunOptions {
  /**
   * - `'append'` (default): insert every record.
   * - `'upsert'`: insert, or update the row with the same `key` (a primary key or unique index).
   * - `'replace'`: empty the target and load it in one transaction that commits at the end.
   */
  readonly mode?: 'append' | 'upsert' | 'replace'
  /** The column or columns that identify a row: required for upsert. */
  readonly key?: string | readonly string[]
  /** Records per round (default 10,000); each round is one transaction (replace: one for all). */
  readonly batchRows?: number
  /** Create the target when missing (default false), from `schema` or the first round's records. */
  readonly createTable?: boolean
  /** An io-ts codec of the records, for `createTable`. */
  readonly schema?: t.Mixed
  /** A record with a field the table lacks: `'fail'` (default, a SinkError) or `'add-columns'`. */
  readonly schemaEvolution?: 'fail' | 'add-columns'
  /** Attempts after the first for a round that finds the database busy or locked (default 3). */
  readonly retries?: number
  /** The smallest backoff delay between attempts (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). */
  readonly maxDelayMs?: number
}

/**
 * A sink that writes records into a SQLite table (better-sqlite3), one transaction per round of
 * `batchRows` — `INSERT`, or `INSERT … ON CONFLICT (key) DO UPDATE` for upsert. A record counts as
 * written once its transaction committed. Replace deletes the target's rows and loads the new
 * ones in a single transaction committed when the input completes: other connections read the
 * old rows until then (WAL mode, which the sink sets on a database it opens), never half a load;
 * the table keeps its indexes and triggers.
 *
 * A row SQLite refuses (NOT NULL, CHECK, UNIQUE, a STRICT table's type) fails alone, as a
 * SinkError with SQLite's code and message and the column in `details`, placed at the record's
 * source line when known; the rest of the round is written. A busy database is retried with
 * backoff; then the run fails with its partial report. Creating the table, new columns and the
 * `database` report section work as in {@link powerflow-etl/postgres!toPostgres} (types `TEXT`, `INTEGER`, `REAL`,
 * `NUMERIC`, `BOOLEAN`, `TIMESTAMP` as ISO text, `JSON` as text — which {@link fromSqlite} reads
 * back as booleans, Dates and parsed JSON).
 *
 * With the `state` run option and a {@link sqliteStateStore} on the same database (the same
 * `Database` or file), the state is written in the transaction of the rows and the load is
 * exactly-once: the whole run is then one transaction, committed with the state at the end.
 *
 * Give a path for a connection of the sink's own (closed at the end), or a Database that nothing
 * else uses during the run (not one a {@link fromSqlite} of the same run reads from).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { pipe, fromGenerator } from 'powerflow-etl'
 * import { toSqlite } from 'powerflow-etl/sqlite'
 *
 * const db = new Database(':memory:')
 * const report = await pipe(
 *   fromGenerator([{ id: 'D-1', amount: 1200 }, { id: 'D-2', amount: 800 }]),
 *   toSqlite(db, 'deals', { createTable: true, key: 'id' }),
 * )
 * console.assert(report.written === 2)
 * console.assert((db.prepare('SELECT sum(amount) AS total FROM deals').get() as { total: number }).total === 2000)
 * ```
 *
 * @param database - a file path, or an open better-sqlite3 Database
 * @param table - the target table
 * @param options - mode, key, round size, table creation, schema evolution, retries and run options
 * @returns a sink: give it a flow of records, get the run report
 * @category integrations
 * @since 0.2.0
 */
export function toSqlite<A extends object>(
  database: SqliteDatabase,
  table: string,
  options: ToSqliteOptions = {},
): Sink<A> {
  const stage = `toSqlite ${table}`
  const settings = checkSinkOptions(stage, options, 10_000)
  return (flow) =>
    runSink<A>(flow, stage, options, (handle) => {
      const writer = new SqliteWriter<A>({
        stage,
        database,
        table,
        mode: settings.mode,
        key: settings.key,
        createTable: options.createTable === true,
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        schemaEvolution: settings.schemaEvolution,
        retry: retryPolicyOf(options),
        ...stateBeside(handle.state, database),
      })
      writer.stats.attach(handle.sections)
      return roundSink<A>(handle, { stage, batchRows: settings.batchRows }, writer)
    })
}

/** The run's state, when its store is a SQLite one in the sink's database. */
function stateBeside(
  state: RunState | undefined,
  database: SqliteDatabase,
): { state?: NonNullable<SqliteWriterSettings['state']> } {
  const binding = stateBindingOf(state?.options.store, 'sqlite')
  if (state === undefined || binding === undefined || !binding.sameDatabase(database)) return {}
  return { state: { table: binding.table, run: state } }
}
