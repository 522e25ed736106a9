import { open, stat } from 'node:fs/promises'
import { scanRecordBoundaries } from '../../internal/csv/recordBoundaries.js'
import { taskId, type RangeTask } from './Task.js'

/**
 * Options of {@link splitFile}. The CSV ones must be those the file is read with.
 *
 * @category distributed
 * @since 0.2.0
 */
export interface SplitFileOptions {
  /** How many ranges to aim for (fewer come back when the file has fewer records). */
  readonly parts: number
  /** `csv` or `ndjson` (default: `ndjson` for `.ndjson` and `.jsonl` names, else `csv`). */
  readonly format?: 'csv' | 'ndjson'
  /** Whether the CSV file starts with a header row (default `true`); no range starts inside it. */
  readonly header?: boolean
  /** The CSV delimiter (default `,`): one character. */
  readonly delimiter?: string
  /** The CSV quote character (default `"`). */
  readonly quoteChar?: string
  /** The CSV escape character (default: the quote). */
  readonly escapeChar?: string
  /** The CSV comment prefix, if the file has comment lines (default: none). */
  readonly comments?: string | false
}

const NDJSON_PATH = /\.(?:ndjson|jsonl)$/i

/**
 * Splits one large uncompressed CSV or NDJSON file into byte ranges of about equal size that start
 * and end on record boundaries, so that several workers can read it at once
 * (`fromCsv(task.path, { range: task })`) and together read exactly the records, in the same order,
 * that one reader of the whole file reads.
 *
 * For CSV the boundaries come from one scan of the file from its start that follows the quoting
 * rules of `fromCsv`, so a range never starts inside a quoted field, however many line breaks the
 * field holds (a line of a quoted field looks like any other, so no cheaper method is certain). For
 * NDJSON a range starts after a line break (JSON strings cannot hold a raw one). Gzip files cannot
 * be split: read them as one task each.
 *
 * Rejects naming the file when it cannot be read, and on `parts` below 1.
 *
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from 'node:fs'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { fromCsv, pipe, toArray } from 'powerflow-etl'
 * import { splitFile } from 'powerflow-etl/distributed'
 *
 * const path = join(mkdtempSync(join(tmpdir(), 'split-')), 'notes.csv')
 * writeFileSync(path, 'id,note\n1,"two\nlines"\n2,plain\n3,"a, b"\n4,last\n')
 * const tasks = await splitFile(path, { parts: 2 })
 * const ids: string[] = []
 * for (const task of tasks) {
 *   const { records } = await pipe(fromCsv(task.path, { range: task }), toArray())
 *   ids.push(...records.map((record) => record['id'] ?? ''))
 * }
 * console.assert(tasks.length === 2 && ids.join() === '1,2,3,4')
 * ```
 *
 * @param path - an uncompressed CSV or NDJSON file
 * @param options - the number of parts, and the CSV syntax; see {@link SplitFileOptions}
 * @returns the ranges, in file order, ids `task-0000`, `task-0001`, …
 * @category distributed
 * @since 0.2.0
 */
export async function splitFile(path: string, options: SplitFileOptions): Promise<RangeTask[]> {
  const parts = options.parts
  if (!Number.isInteger(parts) || parts < 1)
    throw new TypeError(
      `splitFile ${path}: parts must be a whole number of at least 1, not ${parts}`,
    )
  if (/\.gz$/i.test(path))
    throw new TypeError(`splitFile ${path}: a gzip file cannot be split; read it as one task`)
  const format = options.format ?? (NDJSON_PATH.test(path) ? 'ndjson' : 'csv')
  let size: number
  try {
    size = (await stat(path)).size
  } catch (error) {
    throw new Error(`splitFile: cannot read ${path}: ${String(error)}`, { cause: error })
  }
  const targets = Array.from({ length: parts - 1 }, (_, index) =>
    Math.round((size * (index + 1)) / parts),
  )
  const cuts =
    format === 'csv' ? await csvCuts(path, targets, options) : await lineCuts(path, targets)
  const edges = [0, ...cuts.filter((cut) => cut > 0 && cut < size), size]
  const tasks: RangeTask[] = []
  for (let index = 0; index + 1 < edges.length; index++) {
    const start = edges[index] as number
    const end = edges[index + 1] as number
    if (end > start || tasks.length === 0)
      tasks.push({ kind: 'range', id: taskId(tasks.length), path, format, start, end })
  }
  return tasks
}

/** For each target, the first record start at or after it (and after the header row). */
async function csvCuts(
  path: string,
  targets: readonly number[],
  options: SplitFileOptions,
): Promise<number[]> {
  const cuts: number[] = []
  let headerPending = options.header ?? true
  const quoteChar = options.quoteChar ?? '"'
  await scanRecordBoundaries(
    path,
    {
      delimiter: options.delimiter ?? ',',
      quoteChar,
      escapeChar: options.escapeChar ?? quoteChar,
      comments: options.comments ?? false,
    },
    (offset, dataLine) => {
      if (headerPending) {
        headerPending = !dataLine
        return true
      }
      while (cuts.length < targets.length && offset >= (targets[cuts.length] as number))
        cuts.push(offset)
      // The next cut is the first boundary at or after the next target: the lines before it need
      // no report.
      return cuts.length < targets.length ? (targets[cuts.length] as number) : false
    },
  )
  return cuts
}

/** For each target, the first line start at or after it. */
async function lineCuts(path: string, targets: readonly number[]): Promise<number[]> {
  const handle = await open(path, 'r')
  try {
    const cuts: number[] = []
    const buffer = Buffer.allocUnsafe(64 * 1024)
    let from = 0
    for (const target of targets) {
      if (from >= target) {
        cuts.push(from)
        continue
      }
      let position = target - 1
      let cut: number | undefined
      while (cut === undefined) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
        if (bytesRead === 0) break
        const newline = buffer.subarray(0, bytesRead).indexOf(0x0a)
        if (newline !== -1) cut = position + newline + 1
        else position += bytesRead
      }
      if (cut === undefined) break
      cuts.push(cut)
      from = cut
    }
    return cuts
  } finally {
    await handle.close()
  }
}
