/**
 * The round writer of toSqlite: each round is one transaction of prepared INSERT statements (with
 * `ON CONFLICT … DO UPDATE` for upsert). SQLite rolls back only the statement of a row it refuses,
 * so a bad row fails alone and the transaction goes on. Replace empties the target and loads it in
 * one transaction that spans the whole run: readers see the old rows until it commits.
 *
 * @internal
 * @packageDocumentation
 */
import type { Database, Statement } from 'better-sqlite3'
import { tableColumns } from '../../internal/database/tableColumns.js'
import { describeError } from '../../core/Failure.js'
import { RetryExhaustedError, withRetry } from '../../internal/retry.js'
import { DatabaseStats } from '../../internal/database/DatabaseStats.js'
import {
  columnsOfCodec,
  columnsOfRecords,
  type ColumnKind,
  type ColumnPlan,
} from '../../internal/database/columnKinds.js'
import type { BadRow, RoundWriter } from '../../internal/database/roundSink.js'
import type { DatabaseWriterSettings } from '../../internal/database/sinkOptions.js'
import { openDatabase, quoteIdentifier, sqliteValue } from './open.js'
import type { SqliteDatabase } from './SqliteDatabase.js'
import { putStateSql, stateTableSql } from './sqliteStateStore.js'

/**
 * With `state`, the whole run is the one transaction that commits the rows and the state.
 *
 * @internal
 */
export interface SqliteWriterSettings extends DatabaseWriterSettings {
  readonly database: SqliteDatabase
}

const SQL_TYPE: Readonly<Record<ColumnKind, string>> = {
  text: 'TEXT',
  integer: 'INTEGER',
  float: 'REAL',
  decimal: 'NUMERIC',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
}

type Row = Readonly<Record<string, unknown>>

/** @internal */
export class SqliteWriter<A extends object> implements RoundWriter<A> {
  readonly commitsAtFinish: boolean
  readonly stats: DatabaseStats
  private db: Database | undefined
  private owned = false
  private columns: string[] | undefined
  private readonly target: string
  private replacing = false
  private readonly statements = new Map<string, { insert: Statement; exists?: Statement }>()

  constructor(private readonly settings: SqliteWriterSettings) {
    this.commitsAtFinish = settings.mode === 'replace' || settings.state !== undefined
    this.stats = new DatabaseStats(settings.table, settings.mode)
    this.target = quoteIdentifier(settings.table)
  }

  async start(): Promise<void> {
    const { stage, table, schema, createTable } = this.settings
    const opened = openDatabase(this.settings.database, false)
    this.db = opened.db
    this.owned = opened.owned
    this.columns = this.tableColumns()
    if (this.columns === undefined && !createTable)
      throw new Error(
        `${stage}: table ${table} does not exist; create it, or pass createTable: true`,
      )
    if (this.columns === undefined && schema !== undefined) {
      const planned = columnsOfCodec(schema)
      if (planned === undefined)
        throw new TypeError(
          `${stage}: schema must be an io-ts codec of objects (t.type, t.partial, …)`,
        )
      this.create(planned)
    }
    if (this.columns !== undefined) {
      const missing = this.settings.key.filter((name) => !this.columns?.includes(name))
      if (missing.length > 0)
        throw new Error(`${stage}: key column ${missing.join(', ')} not in table ${table}`)
    }
    const state = this.settings.state
    if (state !== undefined) {
      this.db.exec(stateTableSql(state.table))
      // Read the saved state now: an unreadable one fails the run before anything is loaded.
      await state.run.document()
    }
  }

  async write(records: readonly A[]): Promise<readonly BadRow[]> {
    const rows = records as readonly Row[]
    return this.retrying(async () => this.writeRound(rows))
  }

  private writeRound(rows: readonly Row[]): BadRow[] {
    const db = this.db as Database
    const bad: BadRow[] = []
    if (this.commitsAtFinish && !this.replacing) {
      if (this.columns === undefined) this.create(columnsOfRecords(rows, this.settings.key))
      db.exec('BEGIN IMMEDIATE')
      this.replacing = true
      if (this.settings.mode === 'replace') db.exec(`DELETE FROM ${this.target}`)
    }
    if (this.columns === undefined) this.create(columnsOfRecords(rows, this.settings.key))
    const columns = this.columns as string[]
    const unknown = new Map<number, string[]>()
    rows.forEach((row, index) => {
      const extra = Object.keys(row).filter((name) => !columns.includes(name))
      if (extra.length > 0) unknown.set(index, extra)
    })
    const evolve = this.settings.schemaEvolution === 'add-columns'
    if (unknown.size > 0 && evolve) this.addColumns(rows, unknown)
    else
      for (const [index, extra] of unknown)
        bad.push({
          index,
          reason: `fields not in table ${this.settings.table}: ${extra.join(', ')} (schemaEvolution: 'fail')`,
          column: extra[0] as string,
          details: { unknownFields: extra },
        })
    const used = this.roundColumns(rows)
    const { insert, exists } = this.statementsFor(used)
    const load = (): void => {
      let inserted = 0
      let updated = 0
      for (let index = 0; index < rows.length; index++) {
        if (unknown.has(index) && !evolve) continue
        const row = rows[index] as Row
        const values = used.map((name) => sqliteValue(row[name]))
        try {
          const existed =
            exists === undefined
              ? false
              : exists.get(...this.settings.key.map((name) => sqliteValue(row[name]))) !== undefined
          insert.run(...values)
          if (existed) updated += 1
          else inserted += 1
        } catch (error) {
          if (!isRowProblem(error)) throw error
          bad.push(badRow(index, error))
        }
      }
      this.stats.rowsCopied += rows.length - bad.length
      this.stats.inserted += inserted
      this.stats.updated += updated
    }
    const started = performance.now()
    if (this.replacing) load()
    else db.transaction(load).immediate()
    const done = performance.now()
    this.stats.copyMs += done - started
    if (!this.replacing) this.stats.transactions += 1
    return bad
  }

  async finish(): Promise<void> {
    const db = this.db as Database
    try {
      if (this.commitsAtFinish) {
        if (!this.replacing) {
          if (this.columns === undefined) this.create(columnsOfRecords([], this.settings.key))
          db.exec('BEGIN IMMEDIATE')
          if (this.settings.mode === 'replace') db.exec(`DELETE FROM ${this.target}`)
          this.replacing = true
        }
        const started = performance.now()
        const state = this.settings.state
        const document = state === undefined ? undefined : await state.run.document()
        if (state !== undefined)
          db.prepare(putStateSql(state.table)).run(
            state.run.key,
            JSON.stringify(document),
            new Date().toISOString(),
          )
        db.exec('COMMIT')
        if (document !== undefined) state?.run.committedBy(document)
        this.replacing = false
        this.stats.transactions += 1
        this.stats.mergeMs += performance.now() - started
      }
    } catch (error) {
      // A Database the caller gave stays open: it must not keep the run's transaction.
      if (db.inTransaction) db.exec('ROLLBACK')
      this.replacing = false
      throw error
    } finally {
      this.close()
    }
    await Promise.resolve()
  }

  async abort(): Promise<void> {
    if (this.replacing && this.db?.inTransaction === true) this.db.exec('ROLLBACK')
    this.replacing = false
    this.close()
    await Promise.resolve()
  }

  private close(): void {
    if (this.owned) this.db?.close()
    this.db = undefined
  }

  private tableColumns(): string[] | undefined {
    const rows = (this.db as Database)
      .prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid')
      .all(this.settings.table) as Array<{ name: string }>
    return rows.length === 0 ? undefined : rows.map((row) => row.name)
  }

  private create(planned: readonly ColumnPlan[]): void {
    const { key, table } = this.settings
    const columns = tableColumns(planned, key, SQL_TYPE, 'TEXT')
    const definitions = columns.map(
      (column) =>
        `${quoteIdentifier(column.name)} ${column.type}${column.nullable ? '' : ' NOT NULL'}`,
    )
    if (key.length > 0) definitions.push(`PRIMARY KEY (${key.map(quoteIdentifier).join(', ')})`)
    ;(this.db as Database).exec(
      `CREATE TABLE IF NOT EXISTS ${this.target} (${definitions.join(', ')})`,
    )
    this.columns = columns.map((column) => column.name)
    this.stats.created = { table, columns }
  }

  private addColumns(rows: readonly Row[], unknown: Map<number, string[]>): void {
    const names = new Set([...unknown.values()].flat())
    const sample = [...unknown.keys()].map((index) => {
      const row = rows[index] as Row
      return Object.fromEntries(
        [...names].filter((name) => name in row).map((name) => [name, row[name]]),
      )
    })
    for (const column of columnsOfRecords(sample)) {
      const type = SQL_TYPE[column.kind]
      ;(this.db as Database).exec(
        `ALTER TABLE ${this.target} ADD COLUMN ${quoteIdentifier(column.name)} ${type}`,
      )
      this.columns?.push(column.name)
      this.stats.columnsAdded.push({ name: column.name, type, nullable: true })
    }
    this.statements.clear()
  }

  private roundColumns(rows: readonly Row[]): string[] {
    const seen = new Set<string>(this.settings.key)
    for (const row of rows) for (const name in row) seen.add(name)
    return (this.columns as string[]).filter((name) => seen.has(name))
  }

  private statementsFor(columns: readonly string[]): { insert: Statement; exists?: Statement } {
    const id = columns.join('\u0000')
    const cached = this.statements.get(id)
    if (cached !== undefined) return cached
    const db = this.db as Database
    const list = columns.map(quoteIdentifier).join(', ')
    let sql = `INSERT INTO ${this.target} (${list}) VALUES (${columns.map(() => '?').join(', ')})`
    let exists: Statement | undefined
    if (this.settings.mode === 'upsert') {
      const key = this.settings.key
      const others = columns.filter((name) => !key.includes(name))
      const updates = (others.length > 0 ? others : key)
        .map((name) => `${quoteIdentifier(name)} = excluded.${quoteIdentifier(name)}`)
        .join(', ')
      sql += ` ON CONFLICT (${key.map(quoteIdentifier).join(', ')}) DO UPDATE SET ${updates}`
      exists = db.prepare(
        `SELECT 1 FROM ${this.target} WHERE ${key.map((name) => `${quoteIdentifier(name)} IS ?`).join(' AND ')}`,
      )
    }
    const made = { insert: db.prepare(sql), ...(exists === undefined ? {} : { exists }) }
    this.statements.set(id, made)
    return made
  }

  private retrying<T>(work: () => Promise<T>): Promise<T> {
    return withRetry(work, {
      ...this.settings.retry,
      isRetryable: (error) => isBusy(error) && !this.replacing,
      onRetry: () => {
        this.stats.retries += 1
      },
    }).catch((error: unknown) => {
      const last = error instanceof RetryExhaustedError ? error.cause : error
      throw new Error(
        `${this.settings.stage}: ${describeError(error)}; ${this.stats.transactions} transactions committed before it`,
        {
          cause: last,
        },
      )
    })
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)
}

function isRowProblem(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code)
}

function badRow(index: number, error: unknown): BadRow {
  const message = describeError(error)
  const code = (error as { code?: string }).code
  const columnMatch =
    /constraint failed: [^.\s]+\.(\w+)/.exec(message) ?? /column [^.\s]+\.(\w+)/.exec(message)
  const constraintMatch = /CHECK constraint failed: (\w+)/.exec(message)
  const column = columnMatch?.[1]
  return {
    index,
    reason: `${message} (${code ?? 'SQLITE_ERROR'})`,
    ...(column === undefined ? {} : { column }),
    details: {
      code,
      ...(column === undefined ? {} : { column }),
      ...(constraintMatch?.[1] === undefined ? {} : { constraint: constraintMatch[1] }),
    },
  }
}
