/**
 * Opening a SQLite database for a stage, and the values SQLite takes and gives.
 *
 * @internal
 * @packageDocumentation
 */
import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import type { SqliteDatabase } from './SqliteDatabase.js'

/** A database for a stage, and whether the stage must close it. @internal */
export function openDatabase(
  database: SqliteDatabase,
  readonly: boolean,
): { readonly db: Database; readonly owned: boolean } {
  if (typeof database !== 'string') return { db: database, owned: false }
  const db = new BetterSqlite3(database, readonly ? { readonly: true, fileMustExist: true } : {})
  if (!readonly) db.pragma('journal_mode = WAL')
  return { db, owned: true }
}

/** Quotes an identifier for SQLite. @internal */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A JavaScript value as SQLite stores it. @internal */
export function sqliteValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
      return value
    case 'boolean':
      return value ? 1 : 0
    case 'undefined':
      return null
    default:
      break
  }
  if (value === null || Buffer.isBuffer(value)) return value
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString()
  if (value instanceof Uint8Array) return Buffer.from(value)
  return JSON.stringify(value) ?? null
}

/**
 * How to read a column back, from its declared type: `TIMESTAMP`/`DATETIME` text as a Date (UTC
 * when the text has no zone), `BOOLEAN` as a boolean, `JSON` text parsed; anything else as is.
 *
 * @internal
 */
export function readerOfDeclaredType(
  type: string | null,
): ((value: unknown) => unknown) | undefined {
  const declared = (type ?? '').toUpperCase()
  if (/^(TIMESTAMP|DATETIME)/.test(declared)) return toDate
  if (declared.startsWith('BOOL'))
    return (value) =>
      typeof value === 'number' || typeof value === 'bigint' ? value !== 0 && value !== 0n : value
  if (declared.startsWith('JSON')) return parseJson
  return undefined
}

function toDate(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const iso = value.includes('T') ? value : value.replace(' ', 'T')
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`
  const date = new Date(zoned)
  return Number.isNaN(date.getTime()) ? value : date
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}
