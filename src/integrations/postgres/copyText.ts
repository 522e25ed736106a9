/**
 * Rows in COPY's text format: tab-separated, one row per line (line breaks inside values are
 * escaped, so line N of a COPY error is row N of the batch), `\N` for NULL.
 *
 * @internal
 * @packageDocumentation
 */

const SPECIAL = /[\\\n\r\t]/

function escapeText(text: string): string {
  if (!SPECIAL.test(text)) return text
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
}

/** A value as COPY text; `arrayColumn` says the column is a Postgres array. @internal */
export function copyValue(value: unknown, arrayColumn: boolean): string {
  switch (typeof value) {
    case 'string':
      return escapeText(value)
    case 'number':
      return Number.isFinite(value)
        ? String(value)
        : Number.isNaN(value)
          ? 'NaN'
          : value > 0
            ? 'Infinity'
            : '-Infinity'
    case 'bigint':
      return String(value)
    case 'boolean':
      return value ? 't' : 'f'
    case 'undefined':
      return '\\N'
    default:
      break
  }
  if (value === null) return '\\N'
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString()
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString('hex')}`
  if (Array.isArray(value) && arrayColumn) return escapeText(arrayLiteral(value))
  return escapeText(JSON.stringify(value) ?? 'null')
}

/** A JavaScript array as a Postgres array literal: `{1,2}`, `{"a b",NULL}`, `{{1},{2}}`. */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL'
    if (Array.isArray(item)) return arrayLiteral(item)
    const text =
      item instanceof Date
        ? item.toISOString()
        : typeof item === 'object'
          ? (JSON.stringify(item) ?? 'null')
          : String(item)
    return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
  })
  return `{${items.join(',')}}`
}

/** Rows of `columns` as COPY text, in chunks of about 64 KiB. @internal */
export function* copyChunks(
  records: ReadonlyArray<Readonly<Record<string, unknown>>>,
  columns: readonly string[],
  arrayColumns: ReadonlySet<string>,
): Generator<string> {
  const arrays = columns.map((column) => arrayColumns.has(column))
  let chunk = ''
  for (const record of records) {
    let line = ''
    for (let index = 0; index < columns.length; index++) {
      if (index > 0) line += '\t'
      line += copyValue(record[columns[index] as string], arrays[index] === true)
    }
    chunk += line + '\n'
    if (chunk.length >= 65_536) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk !== '') yield chunk
}

/** The 1-based line of the batch a COPY error names (`COPY stage, line 3, column x: …`). @internal */
export function copyLineOf(error: unknown): { line: number; column?: string } | undefined {
  const where = (error as { where?: unknown }).where
  if (typeof where !== 'string') return undefined
  const match = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(where)
  if (match === null) return undefined
  return {
    line: Number(match[1]),
    ...(match[2] === undefined ? {} : { column: match[2] }),
  }
}
