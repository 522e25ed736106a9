import type * as t from 'io-ts'
import type { Sink } from '../../core/Sink.js'
import type { RunOptions } from '../../core/RunOptions.js'
import { runSink } from '../../internal/runSink.js'
import { retryPolicyOf } from '../../internal/retry.js'
import { roundSink } from '../../internal/database/roundSink.js'
import { checkSinkOptions } from '../../internal/database/sinkOptions.js'
import { redactorOf, splitName } from './connect.js'
import { stateBindingOf } from '../../internal/database/stateBinding.js'
import type { RunState } from '../../internal/runState.js'
import { PostgresWriter, type PostgresWriterSettings } from './PostgresWriter.js'
import type { PostgresConnection } from './PostgresConnection.js'

/**
 * Options of {@link toPostgres}, besides the run's options.
 *
 * @category integrations
 * @since 0.2.0
 */
export interface ToPostgresOptions extends RunOptions {
  /**
   * - `'append'` (default): insert every record.
   * - `'upsert'`: insert, or update the row with the same `key` (which needs a unique index or
   *   primary key on those columns; `createTable` makes it the primary key).
   * - `'replace'`: load a new table and swap it in for the target at the end, in one transaction.
   */
  readonly mode?: 'append' | 'upsert' | 'replace'
  /** The column or columns that identify a row: required for upsert. */
  readonly key?: string | readonly string[]
  /**
   * Records per round (default 10,000): each round is loaded with COPY in one transaction. Bounds
   * memory: two rounds at most. Measured on 200,000 rows: 5,000 to 50,000 load at the same speed,
   * 2,000 takes 1.7 × as long (a commit per round), and peak RSS grows with the round (177 MB at
   * 10,000, 241 MB at 50,000).
   */
  readonly batchRows?: number
  /**
   * Create the target when it does not exist (default false): from `schema` when given, else
   * from the first round's records. The report's `database.created` says what was created.
   */
  readonly createTable?: boolean
  /** An io-ts codec of the records, for `createTable`: its properties and their types make the columns. */
  readonly schema?: t.Mixed
  /**
   * A record with a field the table has no column for (default `'fail'`): `'fail'` makes the
   * record a SinkError naming the fields; `'add-columns'` adds a nullable column for each new
   * field, typed from its values (listed in `database.columnsAdded`).
   */
  readonly schemaEvolution?: 'fail' | 'add-columns'
  /** Attempts after the first one for a round that meets a lost connection or a deadlock (default 3). */
  readonly retries?: number
  /** The smallest backoff delay between attempts (default 100 ms). */
  readonly minDelayMs?: number
  /** The largest backoff delay (default 10 s). */
  readonly maxDelayMs?: number
}

const DEFAULT_BATCH_ROWS = 10_000

/**
 * A sink that loads records into a PostgreSQL table at COPY speed. Records are gathered into
 * rounds of `batchRows`, each loaded in one transaction with `COPY … FROM STDIN`: for append,
 * straight into the target; for upsert, straight in too while the target holds none of the
 * round's keys (a plain insert under a savepoint), else into a temporary staging table and on with
 * `INSERT … ON CONFLICT (key) DO UPDATE`. Readers see a round whole or not at all.
 * Replace loads a new table (`LIKE` the target, indexes included) round by round and, when the
 * input completes, swaps it in for the target in one transaction: readers see the old table or
 * the new one, never part of a load. A record counts as written once its transaction committed
 * (replace: once the swap did).
 *
 * A record's fields are its columns (a missing field is NULL). A row the database refuses — a
 * type mismatch, NOT NULL, a check constraint, a duplicate key — fails alone: the row a COPY error
 * names (or, for a constraint met when moving into the target, the row found by splitting the
 * round in halves) becomes a SinkError with the SQLSTATE, the message, the column and the
 * constraint in `details`, placed at the record's source line when the source knows it (a CSV
 * line), and the rest of the round is written. For upsert, a key repeated in the input is applied
 * in order: the last record wins.
 *
 * A lost connection or a deadlock makes the round's transaction roll back and run again on a new
 * connection, `retries` times with backoff; then the run fails with its partial report (and a
 * message saying how many transactions were committed): the target holds whole rounds only. A
 * missing table (without `createTable`) or key column fails the run before anything is read.
 *
 * With the `state` run option and a `postgresStateStore` in the same database, the state is
 * written in the transaction of the rows it covers and the load is exactly-once: for append and
 * upsert the whole run is then one transaction (rounds under savepoints), for replace the swap.
 *
 * The report has a `database` section ({@link powerflow-etl!DatabaseReport}): rows copied, transactions,
 * rows inserted and updated, retries, and milliseconds in COPY and in the merge.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, type DatabaseReport } from 'powerflow-etl'
 * import { toPostgres } from 'powerflow-etl/postgres'
 *
 * const table = `deals_example_${process.pid}`
 * const report = await pipe(
 *   fromGenerator([
 *     { id: 'D-1', amount: 1200 },
 *     { id: 'D-2', amount: 800 },
 *     { id: 'D-1', amount: 1500 },
 *   ]),
 *   toPostgres('postgres://postgres@127.0.0.1:5432/test', table, {
 *     mode: 'upsert',
 *     key: 'id',
 *     createTable: true,
 *   }),
 * )
 * const database = report['database'] as DatabaseReport
 * console.assert(report.written === 3 && database.inserted === 2 && database.updated === 1)
 *
 * const pg = (await import('pg')).default
 * const client = new pg.Client('postgres://postgres@127.0.0.1:5432/test')
 * await client.connect()
 * await client.query(`DROP TABLE ${table}`)
 * await client.end()
 * ```
 *
 * @param connection - a connection string, a client configuration or a `pg.Pool`
 * @param table - the target, `table` or `schema.table`
 * @param options - mode, key, round size, table creation, schema evolution, retries and run options
 * @returns a sink: give it a flow of records, get the run report
 * @see {@link powerflow-etl!DatabaseReport}
 * @category integrations
 * @since 0.2.0
 */
export function toPostgres<A extends object>(
  connection: PostgresConnection,
  table: string,
  options: ToPostgresOptions = {},
): Sink<A> {
  const stage = `toPostgres ${table}`
  splitName(table)
  const settings = checkSinkOptions(stage, options, DEFAULT_BATCH_ROWS)
  const redactor = redactorOf(connection)
  return (flow) =>
    runSink<A>(flow, stage, options, (handle) => {
      const writer = new PostgresWriter<A>({
        stage,
        connection,
        table,
        mode: settings.mode,
        key: settings.key,
        createTable: options.createTable === true,
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        schemaEvolution: settings.schemaEvolution,
        retry: retryPolicyOf(options),
        redactor,
        ...stateBeside(handle.state, connection),
      })
      writer.stats.attach(handle.sections)
      return roundSink<A>(handle, { stage, batchRows: settings.batchRows }, writer)
    })
}

/** The run's state, when its store is a Postgres one in the sink's database. */
function stateBeside(
  state: RunState | undefined,
  connection: PostgresConnection,
): { state?: NonNullable<PostgresWriterSettings['state']> } {
  const binding = stateBindingOf(state?.options.store, 'postgres')
  if (state === undefined || binding === undefined || !binding.sameDatabase(connection)) return {}
  return { state: { table: binding.table, run: state } }
}
