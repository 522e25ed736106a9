/**
 * How the Postgres source turns column values into JavaScript: node-postgres's parsers, with
 * exact numbers kept as strings unless asked otherwise, `timestamp` (without time zone) read as
 * UTC instead of the machine's zone, and `date` kept as its `YYYY-MM-DD` text.
 *
 * @internal
 * @packageDocumentation
 */
import pg from 'pg'
import type { CustomTypesConfig } from 'pg'

/** @internal */
export interface TypeSettings {
  readonly int8?: 'string' | 'number' | 'bigint'
  readonly numeric?: 'string' | 'number'
}

const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  int8Array: 1016,
  numericArray: 1231,
  dateArray: 1182,
  timestampArray: 1115,
} as const

/** Per-query type parsers for the settings. @internal */
export function typeParsers(settings: TypeSettings): CustomTypesConfig {
  const int8 = settings.int8 ?? 'string'
  const numeric = settings.numeric ?? 'string'
  const text = (value: string): string => value
  const parsers = new Map<number, (value: string) => unknown>([
    [OID.date, text],
    [OID.timestamp, utcTimestamp],
  ])
  if (int8 === 'number') parsers.set(OID.int8, Number)
  if (int8 === 'bigint') parsers.set(OID.int8, BigInt)
  if (numeric === 'number') parsers.set(OID.numeric, Number)
  const arrayOf =
    (item: (value: string) => unknown) =>
    (value: string): unknown =>
      parseArray(value, item)
  parsers.set(OID.dateArray, arrayOf(text))
  parsers.set(OID.timestampArray, arrayOf(utcTimestamp))
  if (int8 !== 'string') parsers.set(OID.int8Array, arrayOf(parsers.get(OID.int8) ?? text))
  if (numeric !== 'string') parsers.set(OID.numericArray, arrayOf(parsers.get(OID.numeric) ?? text))
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      const own = format === 'binary' ? undefined : parsers.get(oid)
      return own ?? pg.types.getTypeParser(oid, format ?? 'text')
    }) as CustomTypesConfig['getTypeParser'],
  }
}

/** `2024-03-01 12:30:00.5` as that instant in UTC; `infinity` and `-infinity` stay text. */
function utcTimestamp(value: string): Date | string {
  if (!/^\d/.test(value)) return value
  const bc = value.endsWith(' BC')
  const iso = (bc ? value.slice(0, -3) : value).replace(' ', 'T') + 'Z'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) || bc ? value : date
}

/** A one-dimensional Postgres array literal, `{a,"b c",NULL}`. */
function parseArray(value: string, item: (value: string) => unknown): unknown[] {
  const inner = value.slice(1, -1)
  if (inner === '') return []
  const out: unknown[] = []
  let index = 0
  while (index <= inner.length) {
    if (inner[index] === '"') {
      let text = ''
      index += 1
      while (index < inner.length && inner[index] !== '"') {
        if (inner[index] === '\\') index += 1
        text += inner[index] ?? ''
        index += 1
      }
      out.push(item(text))
      index += 2
    } else {
      const end = inner.indexOf(',', index)
      const text = inner.slice(index, end === -1 ? inner.length : end)
      out.push(text === 'NULL' ? null : item(text))
      index = end === -1 ? inner.length + 1 : end + 1
    }
  }
  return out
}
