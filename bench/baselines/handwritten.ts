/**
 * The pieces a competent engineer writes once and reuses across hand-written jobs: read a CSV
 * file in 64 KiB chunks through papaparse, one object per row keyed by the header; format RFC 4180
 * rows; write text with a buffered file stream that honours backpressure. Plain JavaScript, no
 * framework — this is what PowerFlow is measured against.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import Papa from 'papaparse'
import type { Row } from '../jobs.js'

export const CHUNK_BYTES = 64 * 1024

/**
 * Reads `path` and calls `onRows` with the rows of each parsed chunk. `pause(until)` stops reading
 * until the promise settles (a full output stream).
 */
export function readCsv(
  path: string,
  onRows: (rows: Row[], pause: (until: Promise<unknown>) => void) => void,
): Promise<void> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })
  let header: string[] | undefined
  const pause = (until: Promise<unknown>): void => {
    input.pause()
    void until.then(() => input.resume())
  }
  return new Promise<void>((resolve, reject) => {
    input.on('error', reject)
    Papa.parse<string[]>(input, {
      skipEmptyLines: true,
      chunk(results) {
        const data = results.data
        let start = 0
        if (header === undefined) {
          header = data[0]
          start = 1
        }
        const columns = header as string[]
        const rows: Row[] = []
        for (let index = start; index < data.length; index++) {
          const fields = data[index] as string[]
          const row: Row = {}
          for (let column = 0; column < columns.length; column++)
            row[columns[column] as string] = fields[column] ?? ''
          rows.push(row)
        }
        onRows(rows, pause)
      },
      complete: () => resolve(),
      error: reject,
    })
  })
}

const NEEDS_QUOTES = /[",\r\n]/
const QUOTE = /"/g

/** One RFC 4180 cell. */
export function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value)
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text
}

/** One RFC 4180 line of `record`'s `columns`. */
export function csvLine(record: object, columns: readonly string[]): string {
  const fields = record as Readonly<Record<string, unknown>>
  let line = ''
  for (let index = 0; index < columns.length; index++) {
    if (index > 0) line += ','
    line += csvCell(fields[columns[index] as string])
  }
  return line + EOL
}

/** The line ending of written CSV (the same as PowerFlow's toCsv default). */
export const EOL = '\r\n'

/** A text file written through a buffered stream, honouring backpressure. */
export class TextOutput {
  private readonly out: WriteStream
  constructor(path: string) {
    this.out = createWriteStream(path)
  }

  /** Writes `text`; returns a promise to wait for when the stream's buffer is full. */
  write(text: string): Promise<void> | undefined {
    if (text.length === 0 || this.out.write(text)) return undefined
    return once(this.out, 'drain').then(() => undefined)
  }

  async end(text = ''): Promise<void> {
    this.out.end(text)
    await once(this.out, 'finish')
  }
}
