/**
 * A column a database sink created or added, with the SQL type it chose.
 *
 * @category core
 * @since 0.2.0
 */
export interface DatabaseColumn {
  readonly name: string
  /** The SQL type, as written in the DDL (`text`, `bigint`, `timestamptz`, …). */
  readonly type: string
  readonly nullable: boolean
}

/**
 * The `database` section a database sink (`toPostgres`, `toSqlite`) adds to its run report: rows
 * copied, transactions committed, rows inserted and updated, the time spent loading (COPY, or the
 * INSERT statements of SQLite) and merging, and what it created.
 *
 * @category core
 * @since 0.2.0
 */
export interface DatabaseReport {
  /** The target table, as given. */
  readonly table: string
  readonly mode: 'append' | 'upsert' | 'replace'
  /** Rows loaded into staging (COPY), retries of a round and re-tries after a bad row included. */
  readonly rowsCopied: number
  /** Transactions committed: each holds whole rounds of rows, never part of one. */
  readonly transactions: number
  /** Rows the committed transactions inserted into the target. */
  readonly inserted: number
  /** Rows the committed transactions updated (upsert on an existing key). */
  readonly updated: number
  /** Rounds tried again after a lost connection, a deadlock or a busy database. */
  readonly retries: number
  /** Milliseconds spent loading rows into staging. */
  readonly copyMs: number
  /** Milliseconds spent moving rows from staging into the target and committing. */
  readonly mergeMs: number
  /** The table the sink created (`createTable: true`), with its columns. */
  readonly created?: { readonly table: string; readonly columns: readonly DatabaseColumn[] }
  /** Columns added to the target for new fields (`schemaEvolution: 'add-columns'`). */
  readonly columnsAdded: readonly DatabaseColumn[]
}
