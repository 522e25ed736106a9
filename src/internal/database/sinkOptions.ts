/**
 * The options every database sink shares, checked when the sink is made: a mistake fails at once,
 * naming the option, not half-way through a load.
 *
 * @internal
 * @packageDocumentation
 */
import type * as t from 'io-ts'
import type { RetryPolicy } from '../retry.js'
import type { RunState } from '../runState.js'

/** @internal */
export interface DatabaseSinkOptions {
  readonly mode?: 'append' | 'upsert' | 'replace'
  readonly key?: string | readonly string[]
  readonly batchRows?: number
  readonly schemaEvolution?: 'fail' | 'add-columns'
  readonly retries?: number
}

/** @internal */
export interface DatabaseSinkSettings {
  readonly mode: 'append' | 'upsert' | 'replace'
  readonly key: readonly string[]
  readonly batchRows: number
  readonly schemaEvolution: 'fail' | 'add-columns'
}

/** The checked settings, or a TypeError naming the sink and the option. @internal */
export function checkSinkOptions(
  stage: string,
  options: DatabaseSinkOptions,
  defaultBatchRows: number,
): DatabaseSinkSettings {
  const mode = options.mode ?? 'append'
  if (mode !== 'append' && mode !== 'upsert' && mode !== 'replace')
    throw new TypeError(
      `${stage}: mode must be 'append', 'upsert' or 'replace' (got ${String(mode)})`,
    )
  const key =
    options.key === undefined
      ? []
      : typeof options.key === 'string'
        ? [options.key]
        : [...options.key]
  if (mode === 'upsert' && key.length === 0)
    throw new TypeError(`${stage}: mode 'upsert' needs a key (one or more columns)`)
  const batchRows = options.batchRows ?? defaultBatchRows
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new TypeError(
      `${stage}: batchRows must be a whole number of at least 1 (got ${batchRows})`,
    )
  const schemaEvolution = options.schemaEvolution ?? 'fail'
  if (schemaEvolution !== 'fail' && schemaEvolution !== 'add-columns')
    throw new TypeError(`${stage}: schemaEvolution must be 'fail' or 'add-columns'`)
  if (options.retries !== undefined && !(options.retries >= 0))
    throw new TypeError(`${stage}: retries must be a number of at least 0 (got ${options.retries})`)
  return { mode, key, batchRows, schemaEvolution }
}

/** What a database sink's writer is given, whatever the engine. @internal */
export interface DatabaseWriterSettings {
  readonly stage: string
  readonly table: string
  readonly mode: 'append' | 'upsert' | 'replace'
  readonly key: readonly string[]
  readonly createTable: boolean
  readonly schema?: t.Mixed
  readonly schemaEvolution: 'fail' | 'add-columns'
  readonly retry: RetryPolicy
  /**
   * The run's state, when its store lives in the target's database: written (in `table`, quoted)
   * in the transaction that commits the rows (see each writer for what that transaction covers).
   */
  readonly state?: { readonly table: string; readonly run: RunState }
}
