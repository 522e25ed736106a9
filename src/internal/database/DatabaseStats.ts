/**
 * The figures behind a database sink's `database` report section, kept while it loads.
 *
 * @internal
 * @packageDocumentation
 */
import type { DatabaseColumn, DatabaseReport } from '../../core/DatabaseReport.js'

/** Counts what a database sink does. @internal */
export class DatabaseStats {
  rowsCopied = 0
  transactions = 0
  inserted = 0
  updated = 0
  retries = 0
  copyMs = 0
  mergeMs = 0
  created: DatabaseReport['created'] = undefined
  readonly columnsAdded: DatabaseColumn[] = []

  constructor(
    readonly table: string,
    readonly mode: DatabaseReport['mode'],
  ) {}

  /** Publishes the section on the run's report, live: the report reads it when it is made. */
  attach(sections: Record<string, unknown>): void {
    Object.defineProperty(sections, 'database', {
      enumerable: true,
      configurable: true,
      get: (): DatabaseReport => this.toReport(),
    })
  }

  toReport(): DatabaseReport {
    return {
      table: this.table,
      mode: this.mode,
      rowsCopied: this.rowsCopied,
      transactions: this.transactions,
      inserted: this.inserted,
      updated: this.updated,
      retries: this.retries,
      copyMs: Math.round(this.copyMs),
      mergeMs: Math.round(this.mergeMs),
      ...(this.created === undefined ? {} : { created: this.created }),
      columnsAdded: [...this.columnsAdded],
    }
  }
}
