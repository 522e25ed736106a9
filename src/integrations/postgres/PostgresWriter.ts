/**
 * The round writer of toPostgres: each round is one transaction. Rows go in with `COPY … FROM
 * STDIN` (text format): straight into the table for append and replace's new table, and for
 * upsert while the target holds none of the round's keys; otherwise into a temporary staging table
 * and on with `INSERT … ON CONFLICT … DO UPDATE`. A row the database refuses is found — from the
 * line a COPY error names, or by splitting the round in halves — and reported; the others are
 * written. Replace loads a new table and swaps it in at the end in one transaction.
 *
 * @internal
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { tableColumns } from '../../internal/database/tableColumns.js'
import { keyParts, roundFields } from '../../internal/database/roundFields.js'
import { describeError } from '../../core/Failure.js'
import { RetryExhaustedError, withRetry } from '../../internal/retry.js'
import type { Redactor } from '../../internal/redact.js'
import { DatabaseStats } from '../../internal/database/DatabaseStats.js'
import {
  columnsOfCodec,
  columnsOfRecords,
  type ColumnKind,
  type ColumnPlan,
} from '../../internal/database/columnKinds.js'
import type { BadRow, RoundWriter } from '../../internal/database/roundSink.js'
import type { DatabaseWriterSettings } from '../../internal/database/sinkOptions.js'
import { Connection, isConnectionLost, isTransient, quoteName, splitName } from './connect.js'
import { copyChunks, copyLineOf } from './copyText.js'
import type { RunState, StateDocument } from '../../internal/runState.js'
import { createStateTable, putStateSql } from './postgresStateStore.js'
import type { PostgresConnection } from './PostgresConnection.js'

/**
 * With `state`, for append and upsert the whole run is one transaction, for replace the swap's.
 *
 * @internal
 */
export interface PostgresWriterSettings extends DatabaseWriterSettings {
  readonly connection: PostgresConnection
  readonly redactor: Redactor
}

const SQL_TYPE: Readonly<Record<ColumnKind, string>> = {
  text: 'text',
  integer: 'bigint',
  float: 'double precision',
  decimal: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  json: 'jsonb',
}

const STAGE_TABLE = 'powerflow_stage'

/** What a transaction did: rows moved into the target, and how many of them were new. */
interface Merged {
  readonly rows: number
  readonly inserted: number
}

type Row = Readonly<Record<string, unknown>>

/** @internal */
export class PostgresWriter<A extends object> implements RoundWriter<A> {
  readonly commitsAtFinish: boolean
  readonly stats: DatabaseStats
  private open: Connection | undefined
  /** The columns of the table rows go into, by name, with whether each is an array. */
  private columns: Map<string, boolean> | undefined
  private targetExists = false
  /** The table rows go into: the target, or replace's new table. */
  private into: string
  private newTable: string | undefined
  private readonly stopping = new AbortController()
  /** Upsert: a round met keys already in the target, so rounds go straight to ON CONFLICT. */
  private keysSeen = false
  /** The run is one transaction (state in the same database, append or upsert). */
  private readonly spansRun: boolean
  /** That transaction has begun. */
  private runOpen = false
  /** Rows the run's transaction inserted and updated, counted when it commits. */
  private readonly pending = { inserted: 0, updated: 0 }

  constructor(private readonly settings: PostgresWriterSettings) {
    this.spansRun = settings.state !== undefined && settings.mode !== 'replace'
    this.commitsAtFinish = settings.mode === 'replace' || this.spansRun
    this.stats = new DatabaseStats(settings.table, settings.mode)
    this.into = quoteName(settings.table)
  }

  async start(): Promise<void> {
    const { table, mode, createTable, schema, stage } = this.settings
    // Read the saved state first: an unreadable one fails the run before anything is loaded, and
    // the store has had its connection before the sink takes one for the run (a pool of one).
    await this.settings.state?.run.document()
    const existing = await this.retrying(async () => this.tableColumns(table))
    this.targetExists = existing !== undefined
    if (!this.targetExists && !createTable)
      throw new Error(
        `${stage}: table ${table} does not exist; create it, or pass createTable: true`,
      )
    if (mode === 'replace') {
      const parts = splitName(table)
      const name = `${(parts.at(-1) as string).slice(0, 40)}__powerflow_${randomBytes(4).toString('hex')}`
      this.newTable = [...parts.slice(0, -1), name].join('.')
      this.into = quoteName(this.newTable)
      if (existing !== undefined)
        await this.query(`CREATE TABLE ${this.into} (LIKE ${quoteName(table)} INCLUDING ALL)`)
    }
    this.columns = existing
    if (this.columns === undefined && schema !== undefined) {
      const planned = columnsOfCodec(schema)
      if (planned === undefined)
        throw new TypeError(
          `${stage}: schema must be an io-ts codec of objects (t.type, t.partial, …)`,
        )
      await this.create(planned)
    }
    if (this.columns !== undefined) this.checkKey(this.columns)
    const state = this.settings.state
    if (state !== undefined) await createStateTable((await this.connection()).client, state.table)
  }

  async write(records: readonly A[]): Promise<readonly BadRow[]> {
    try {
      return await this.writeRound(records as readonly Row[])
    } catch (error) {
      throw error instanceof StageFault ? error : this.fatal(error, records.length)
    }
  }

  private async writeRound(rows: readonly Row[]): Promise<readonly BadRow[]> {
    const bad: BadRow[] = []
    if (this.columns === undefined) await this.create(columnsOfRecords(rows, this.settings.key))
    const columns = this.columns as Map<string, boolean>
    const evolve = this.settings.schemaEvolution === 'add-columns'
    const { unknown, names } = roundFields(rows, columns, evolve)
    if (unknown.size > 0 && evolve) await this.addColumns(rows, unknown)
    else
      for (const [index, extra] of unknown)
        bad.push({
          index,
          reason: `fields not in table ${this.settings.table}: ${extra.join(', ')} (schemaEvolution: 'fail')`,
          column: extra[0] as string,
          details: { unknownFields: extra },
        })
    const good: number[] = []
    for (let index = 0; index < rows.length; index++)
      if (evolve || !unknown.has(index)) good.push(index)
    if (good.length === 0) return bad
    for (const name of this.settings.key) names.add(name)
    // The round's columns in table order: those some row has, and the key.
    const used = [...columns.keys()].filter((name) => names.has(name))
    const queue = this.settings.mode === 'upsert' ? keyParts(rows, good, this.settings.key) : [good]
    while (queue.length > 0) {
      const part = queue.shift() as number[]
      try {
        // The whole round, as it usually is, goes as it came.
        const partRows =
          part.length === rows.length ? rows : part.map((index) => rows[index] as Row)
        await this.transaction(partRows, used)
      } catch (error) {
        const cause = rowProblemOf(error)
        if (cause === undefined) throw this.fatal(error, rows.length)
        const at = copyLineOf(cause)
        if (at !== undefined && at.line >= 1 && at.line <= part.length) {
          bad.push(this.badRow(part[at.line - 1] as number, cause, at.column))
          const rest = part.filter((_, position) => position !== at.line - 1)
          if (rest.length > 0) queue.unshift(rest)
        } else if (part.length === 1) bad.push(this.badRow(part[0] as number, cause))
        else {
          const middle = Math.ceil(part.length / 2)
          queue.unshift(part.slice(0, middle), part.slice(middle))
        }
      }
    }
    return bad
  }

  async finish(): Promise<void> {
    try {
      if (this.settings.mode === 'replace') await this.swap()
      else if (this.spansRun) await this.commitRun()
    } catch (error) {
      // A pooled client must not go back to the pool inside a failed transaction.
      await this.drop()
      throw error
    } finally {
      await this.open?.release()
      this.open = undefined
    }
  }

  async abort(): Promise<void> {
    this.stopping.abort()
    try {
      if (this.newTable !== undefined) {
        const open = this.open?.broken === undefined ? this.open : undefined
        const client = open ?? (await Connection.open(this.settings.connection))
        try {
          await client.client.query(`DROP TABLE IF EXISTS ${this.into}`)
        } finally {
          if (client !== this.open) await client.release()
        }
      }
    } finally {
      await this.open?.release(true)
      this.open = undefined
    }
  }

  // ---- the target --------------------------------------------------------------------------

  /** The columns of a table (name → is an array), or undefined when it does not exist. */
  private async tableColumns(table: string): Promise<Map<string, boolean> | undefined> {
    const result = await this.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [quoteName(table)],
    )
    if (result.rows.length === 0) return undefined
    return new Map(result.rows.map((row) => [row.name, row.type.endsWith('[]')]))
  }

  private checkKey(columns: Map<string, boolean>): void {
    const missing = this.settings.key.filter((name) => !columns.has(name))
    if (missing.length > 0)
      throw new Error(
        `${this.settings.stage}: key column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not in table ${this.settings.table}`,
      )
  }

  private async create(planned: readonly ColumnPlan[]): Promise<void> {
    const { key, table } = this.settings
    const columns = tableColumns(planned, key, SQL_TYPE, 'text')
    const definitions = columns.map(
      (column) =>
        `${pg.escapeIdentifier(column.name)} ${column.type}${column.nullable ? '' : ' NOT NULL'}`,
    )
    if (key.length > 0)
      definitions.push(`PRIMARY KEY (${key.map((name) => pg.escapeIdentifier(name)).join(', ')})`)
    await this.query(`CREATE TABLE IF NOT EXISTS ${this.into} (${definitions.join(', ')})`)
    this.columns = new Map(columns.map((column) => [column.name, false]))
    this.stats.created = { table, columns }
  }

  private async addColumns(
    rows: readonly Row[],
    unknown: ReadonlyMap<number, readonly string[]>,
  ): Promise<void> {
    const names = new Set([...unknown.values()].flat())
    const sample = [...unknown.keys()].map((index) => {
      const row = rows[index] as Row
      return Object.fromEntries(
        [...names].filter((name) => name in row).map((name) => [name, row[name]]),
      )
    })
    for (const column of columnsOfRecords(sample)) {
      const type = SQL_TYPE[column.kind]
      await this.query(
        `ALTER TABLE ${this.into} ADD COLUMN IF NOT EXISTS ${pg.escapeIdentifier(column.name)} ${type}`,
      )
      this.columns?.set(column.name, false)
      this.stats.columnsAdded.push({ name: column.name, type, nullable: true })
    }
  }

  // ---- transactions ------------------------------------------------------------------------

  /**
   * One transaction, retried on a passing fault. Rows go straight into the table with COPY when
   * nothing can conflict (append, replace's new table) and, for upsert, while the target has shown
   * none of the round's keys: one pass (parse, insert, index) where staging takes two, and a plain
   * insert costs less than half of `ON CONFLICT DO UPDATE`'s speculative one. A key already in the
   * target (a unique violation) rolls back to a savepoint and the part is upserted through
   * staging; from then on every part is, as a table with old keys has more.
   */
  private transaction(rows: readonly Row[], columns: readonly string[]): Promise<void> {
    const list = columns.map((name) => pg.escapeIdentifier(name)).join(', ')
    const arrays = new Set(columns.filter((name) => this.columns?.get(name) === true))
    if (this.spansRun) return this.partOfRun(rows, columns, list, arrays)
    return this.retrying(async () => {
      const open = await this.connection()
      const client = open.client
      await client.query('BEGIN')
      try {
        const merged =
          (await this.copyStraight(client, rows, columns, list, arrays)) ??
          (await this.stageAndUpsert(client, rows, columns, list, arrays))
        const committing = performance.now()
        await client.query('COMMIT')
        this.stats.mergeMs += performance.now() - committing
        this.stats.transactions += 1
        this.stats.inserted += merged.inserted
        this.stats.updated += merged.rows - merged.inserted
      } catch (error) {
        if (open.broken === undefined && !isConnectionLost(error))
          await client.query('ROLLBACK').catch(() => undefined)
        else await this.drop()
        throw error
      }
    })
  }

  /**
   * A part of the run's one transaction, under a savepoint: a refused row rolls back only the
   * part. Not retried: a lost connection takes the whole transaction with it.
   */
  private async partOfRun(
    rows: readonly Row[],
    columns: readonly string[],
    list: string,
    arrays: ReadonlySet<string>,
  ): Promise<void> {
    const client = await this.runClient()
    await client.query('SAVEPOINT powerflow_part')
    try {
      const merged =
        (await this.copyStraight(client, rows, columns, list, arrays)) ??
        (await this.stageAndUpsert(client, rows, columns, list, arrays))
      await client.query('RELEASE SAVEPOINT powerflow_part')
      this.pending.inserted += merged.inserted
      this.pending.updated += merged.rows - merged.inserted
    } catch (error) {
      if (this.open?.broken === undefined && !isConnectionLost(error))
        await client.query('ROLLBACK TO SAVEPOINT powerflow_part').catch(() => undefined)
      throw error
    }
  }

  /** The client of the run's transaction, begun on first use; never a new one in its middle. */
  private async runClient(): Promise<pg.ClientBase> {
    if (this.runOpen && (this.open === undefined || this.open.broken !== undefined))
      throw new Error(
        `the connection was lost during the run's transaction (${this.open?.broken?.message ?? 'closed'})`,
      )
    const client = (await this.connection()).client
    if (!this.runOpen) {
      await client.query('BEGIN')
      this.runOpen = true
    }
    return client
  }

  /** Writes the run's state beside the rows and commits the run's transaction. */
  private async commitRun(): Promise<void> {
    const client = await this.runClient()
    const started = performance.now()
    const document = await this.writeState(client)
    await client.query('COMMIT')
    this.runOpen = false
    this.stats.mergeMs += performance.now() - started
    this.stats.transactions += 1
    this.stats.inserted += this.pending.inserted
    this.stats.updated += this.pending.updated
    this.settings.state?.run.committedBy(document)
  }

  /** Puts the run's state document in the state table, in the open transaction. */
  private async writeState(client: pg.ClientBase): Promise<StateDocument> {
    const state = this.settings.state as { readonly table: string; readonly run: RunState }
    const document = await state.run.document()
    await client.query(putStateSql(state.table), [state.run.key, JSON.stringify(document)])
    return document
  }

  /** COPY into the table itself, or undefined when the part must be upserted through staging. */
  private async copyStraight(
    client: pg.ClientBase,
    rows: readonly Row[],
    columns: readonly string[],
    list: string,
    arrays: ReadonlySet<string>,
  ): Promise<Merged | undefined> {
    const upsert = this.settings.mode === 'upsert'
    if (upsert && this.keysSeen) return undefined
    if (upsert) await client.query('SAVEPOINT powerflow_copy')
    try {
      await this.copy(client, rows, columns, `COPY ${this.into} (${list}) FROM STDIN`, arrays)
    } catch (error) {
      if (!upsert || (error as { code?: unknown }).code !== '23505') throw error
      await client.query('ROLLBACK TO SAVEPOINT powerflow_copy')
      this.keysSeen = true
      return undefined
    }
    return { rows: rows.length, inserted: rows.length }
  }

  /** COPY into a temporary staging table, then `INSERT … ON CONFLICT (key) DO UPDATE`. */
  private async stageAndUpsert(
    client: pg.ClientBase,
    rows: readonly Row[],
    columns: readonly string[],
    list: string,
    arrays: ReadonlySet<string>,
  ): Promise<Merged> {
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS ${STAGE_TABLE} ON COMMIT DROP AS SELECT ${list} FROM ${this.into} WITH NO DATA`,
    )
    await this.copy(client, rows, columns, `COPY ${STAGE_TABLE} (${list}) FROM STDIN`, arrays)
    const merging = performance.now()
    const result = await client.query<Merged>(this.upsertSql(columns))
    // Within the run's one transaction the next part may have other columns.
    if (this.spansRun) await client.query(`DROP TABLE ${STAGE_TABLE}`)
    this.stats.mergeMs += performance.now() - merging
    return result.rows[0] ?? { rows: 0, inserted: 0 }
  }

  private async copy(
    client: pg.ClientBase,
    rows: readonly Row[],
    columns: readonly string[],
    sql: string,
    arrays: ReadonlySet<string>,
  ): Promise<void> {
    const started = performance.now()
    await pipeline(Readable.from(copyChunks(rows, columns, arrays)), client.query(copyFrom(sql)))
    this.stats.copyMs += performance.now() - started
    this.stats.rowsCopied += rows.length
  }

  private upsertSql(columns: readonly string[]): string {
    const list = columns.map((name) => pg.escapeIdentifier(name)).join(', ')
    const insert = `INSERT INTO ${this.into} (${list}) SELECT ${list} FROM ${STAGE_TABLE}`
    const key = this.settings.key
    const others = columns.filter((name) => !key.includes(name))
    const updates = (others.length > 0 ? others : key)
      .map((name) => `${pg.escapeIdentifier(name)} = EXCLUDED.${pg.escapeIdentifier(name)}`)
      .join(', ')
    const conflict = key.map((name) => pg.escapeIdentifier(name)).join(', ')
    return `WITH merged AS (${insert} ON CONFLICT (${conflict}) DO UPDATE SET ${updates} RETURNING (xmax = 0) AS inserted)
      SELECT count(*)::int AS rows, (count(*) FILTER (WHERE inserted))::int AS inserted FROM merged`
  }

  /** Replace: the new table takes the target's name in one transaction; the old one is dropped. */
  private async swap(): Promise<void> {
    const newTable = this.newTable as string
    const target = quoteName(this.settings.table)
    const targetName = pg.escapeIdentifier(splitName(this.settings.table).at(-1) as string)
    const client = (await this.connection()).client
    const started = performance.now()
    await client.query('BEGIN')
    try {
      if (this.targetExists) {
        const oldName = `${(splitName(this.settings.table).at(-1) as string).slice(0, 40)}__powerflow_old_${randomBytes(4).toString('hex')}`
        await client.query(`LOCK TABLE ${target} IN ACCESS EXCLUSIVE MODE`)
        await client.query(`ALTER TABLE ${target} RENAME TO ${pg.escapeIdentifier(oldName)}`)
        await client.query(`ALTER TABLE ${quoteName(newTable)} RENAME TO ${targetName}`)
        const schema = splitName(this.settings.table).slice(0, -1)
        await client.query(`DROP TABLE ${quoteName([...schema, oldName].join('.'))}`)
      } else await client.query(`ALTER TABLE ${quoteName(newTable)} RENAME TO ${targetName}`)
      const document = this.settings.state === undefined ? undefined : await this.writeState(client)
      await client.query('COMMIT')
      if (document !== undefined) this.settings.state?.run.committedBy(document)
      this.newTable = undefined
      this.stats.transactions += 1
      this.stats.mergeMs += performance.now() - started
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw new Error(
        `${this.settings.stage}: could not swap the new table in for ${this.settings.table}; the target is unchanged: ${this.settings.redactor.error(error).message}`,
        { cause: error },
      )
    }
  }

  // ---- connections and faults --------------------------------------------------------------

  private async connection(): Promise<Connection> {
    if (this.open !== undefined && this.open.broken === undefined) return this.open
    await this.drop()
    this.open = await Connection.open(this.settings.connection)
    return this.open
  }

  private async drop(): Promise<void> {
    const open = this.open
    this.open = undefined
    await open?.release(true)
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    const open = await this.connection()
    try {
      return await open.client.query<R>(sql, params)
    } catch (error) {
      if (isConnectionLost(error)) await this.drop()
      throw error
    }
  }

  /** Runs `work`, again on a fresh connection after a passing fault, within the retry policy. */
  private retrying<T>(work: () => Promise<T>): Promise<T> {
    const stopping = this.stopping.signal
    return withRetry(() => work(), {
      ...this.settings.retry,
      isRetryable: (error) => isTransient(error) && !stopping.aborted,
      onRetry: () => {
        this.stats.retries += 1
      },
      // Not the signal option: an attempt in flight must finish (it may commit), not be abandoned.
      sleep: (ms) =>
        new Promise<void>((resolve, reject) => {
          if (stopping.aborted) return reject(stopping.reason as Error)
          const timer = setTimeout(resolve, ms)
          stopping.addEventListener(
            'abort',
            () => {
              clearTimeout(timer)
              reject(stopping.reason as Error)
            },
            { once: true },
          )
        }),
    })
  }

  private badRow(index: number, error: unknown, copyColumn?: string): BadRow {
    const fields = error as {
      code?: string
      column?: string
      constraint?: string
      detail?: string
      table?: string
    }
    const column = fields.column ?? copyColumn
    return {
      index,
      reason: `${this.settings.redactor.text(describeError(error))} (SQLSTATE ${fields.code ?? 'unknown'})`,
      ...(column === undefined ? {} : { column }),
      details: {
        sqlState: fields.code,
        ...(column === undefined ? {} : { column }),
        ...(fields.constraint === undefined ? {} : { constraint: fields.constraint }),
        ...(fields.detail === undefined
          ? {}
          : { detail: this.settings.redactor.text(fields.detail) }),
      },
    }
  }

  private fatal(error: unknown, roundRows: number): StageFault {
    const last = error instanceof RetryExhaustedError ? error.cause : error
    const safe = this.settings.redactor.error(error)
    const { transactions, inserted, updated } = this.stats
    const committed =
      this.settings.mode === 'replace'
        ? 'the target is unchanged'
        : this.spansRun
          ? "the run's one transaction (rows and state) was rolled back: the target and the state are as they were"
          : `${transactions} transaction${transactions === 1 ? '' : 's'} committed before it (${inserted + updated} rows); a round of ${roundRows} rows was rolled back`
    return new StageFault(`${this.settings.stage}: ${safe.message}; ${committed}`, {
      cause: this.settings.redactor.error(last),
    })
  }
}

/** The database's refusal of a row (data or constraint), if that is what the error is. */
function rowProblemOf(error: unknown): Error | undefined {
  const cause =
    error instanceof RetryExhaustedError && error.reason === 'not-retryable' ? error.cause : error
  const code = (cause as { code?: unknown }).code
  if (!(cause instanceof Error) || typeof code !== 'string') return undefined
  return /^(22|23|21)/.test(code) ? cause : undefined
}

/** An infrastructure fault, its message complete. */
class StageFault extends Error {}
