/**
 * The reader behind `fromCsv`: opens the input, decodes it, parses rows chunk by chunk, and turns
 * them into records or ParseErrors — one batch per chunk, for the pull loop.
 *
 * @internal
 * @packageDocumentation
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure, type Location } from '../../core/Failure.js'
import type { SourceBatch } from '../pullSource.js'
import { currentRun } from '../run/currentRun.js'
import type { ByteSpan } from '../input/ByteSource.js'
import { openTextInput, type TextSource } from '../input/openTextInput.js'
import type { SourceInput } from '../input/SourceInput.js'
import { cannotOpen, SourceReadError } from '../input/SourceReadError.js'
import { headerRowEnd } from './recordBoundaries.js'
import {
  BLANK_LINE,
  lineOf,
  type ParsedRows,
  type RowParserPosition,
  type RowSyntax,
} from './parsedRows.js'
import { CsvRowParser } from './rowParser.js'
import { rowText } from './rowText.js'
import { valueTyper, type ValueTypingSettings } from './valueTyping.js'
import { recordBuilder, uniqueNames, type RecordBuilder } from './recordShape.js'
import { trackTextPosition } from '../checkpoint/textPosition.js'

/** `fromCsv`'s options, resolved. @internal */
export interface CsvReaderSettings {
  readonly stage: string
  /** The file for failure locations (the path as given), if the input is a file. */
  readonly file: string | undefined
  readonly header: boolean
  readonly columns:
    readonly string[] | ((header: readonly string[]) => readonly string[]) | undefined
  readonly trim: boolean
  readonly skipEmptyLines: boolean | 'greedy'
  readonly comments: string | false
  readonly typing: ValueTypingSettings | undefined
  readonly encoding: string
  readonly strictEncoding: boolean
  readonly rows: RowSyntax
  /** Only this byte range of the file (with the header row from the file's start). */
  readonly range?: ByteSpan | undefined
}

/** Opens the input: a file (a byte range of it, or the rest after a saved position), a stream or text. */
async function openText(
  input: SourceInput,
  settings: CsvReaderSettings,
  signal: AbortSignal,
  start: number,
): Promise<TextSource> {
  const spans =
    typeof input === 'string' && settings.range !== undefined
      ? await rangeSpans(input, settings, settings.range)
      : undefined
  return openTextInput(input, {
    stage: settings.stage,
    signal,
    encoding: settings.encoding,
    labels: 'whatwg',
    strict: settings.strictEncoding,
    keepBom: false,
    gzip: 'detect',
    start,
    spans,
  })
}

/**
 * The position `fromCsv` saves with the `state` run option, for a plain (not gzip) file read to
 * its end: the next run reads only what was appended after it, with the same columns.
 *
 * @internal
 */
export interface CsvFilePosition {
  readonly file: {
    /** Bytes of the file read: the next run starts there. */
    readonly offset: number
    /** The data rows read so far (for `location.row`). */
    readonly row: number
    /** The column names (from the header row or `columns`), or the width of array records. */
    readonly columns: readonly string[] | undefined
    readonly width: number | undefined
  } & RowParserPosition
}

function savedPosition(stage: string, saved: unknown): CsvFilePosition['file'] | undefined {
  if (saved === undefined) return undefined
  const file = (saved as Partial<CsvFilePosition> | null)?.file
  if (
    typeof file !== 'object' ||
    file === null ||
    !Number.isSafeInteger(file.offset) ||
    !Number.isSafeInteger(file.line) ||
    !Number.isSafeInteger(file.row) ||
    typeof file.delimiter !== 'string'
  )
    throw new Error(
      `${stage}: the saved state holds ${JSON.stringify(saved)}, not a CSV file position; delete the state key to read the file from the start`,
    )
  return file
}

/** The bytes to read for `range`: the header row first when the range starts after it. */
async function rangeSpans(
  path: string,
  settings: CsvReaderSettings,
  range: ByteSpan,
): Promise<ByteSpan[]> {
  if (!settings.header || range.start === 0) return [range]
  let headerEnd: number
  try {
    headerEnd = await headerRowEnd(path, settings.rows)
  } catch (error) {
    throw cannotOpen(settings.stage, path, error)
  }
  if (range.start < headerEnd)
    throw new SourceReadError(
      `${settings.stage}: range ${range.start}-${range.end} of ${path} starts inside its header row (which ends at byte ${headerEnd})`,
    )
  return [{ start: 0, end: headerEnd }, range]
}

/**
 * What a CSV source reports about itself (a stage's `details`): the lines that were skipped and so
 * are neither records nor failures.
 *
 * @internal
 */
export type CsvStageDetails = {
  /** Empty lines skipped (with `skipEmptyLines: 'greedy'`, lines of blank unquoted fields too). */
  readonly blankLines: number
  /** Lines skipped as comments. */
  readonly commentLines: number
}

/** Opens the input and returns the batches of records and failures. @internal */
export async function openCsvReader<A>(
  input: SourceInput,
  settings: CsvReaderSettings,
  signal: AbortSignal,
): Promise<AsyncIterator<SourceBatch<A>>> {
  const state = typeof input === 'string' ? currentRun().state : undefined
  const resume = savedPosition(settings.stage, await state?.positionOf(settings.stage))
  const start = resume?.offset ?? 0
  const text = await openText(input, settings, signal, start)
  const rows = new CsvRowParser({
    ...settings.rows,
    skipEmptyLines: settings.skipEmptyLines,
    skipLeadingEmptyLines: settings.header,
    ...(resume === undefined ? {} : { resumeAt: resume }),
  })
  const shaper = new RecordShaper(settings, () => rows.delimiter)
  if (resume !== undefined) shaper.resume(resume)
  // Read to its end: the run saves this position once the sink committed every record.
  const reached = (): void => {
    const shape = shaper.savedShape
    if (state === undefined || text.compressed || (settings.header && shape.columns === undefined))
      return
    const position: CsvFilePosition = {
      file: { offset: start + text.fileBytesRead, ...shape, ...rows.position },
    }
    state.reach(settings.stage, position)
  }
  // Skipped lines are no records, so the ledger does not count them: the stage's details do.
  const details = (): CsvStageDetails => ({
    blankLines: shaper.blankLines,
    commentLines: rows.commentLines,
  })
  // With checkpoints: where the next record starts after each batch (see checkpoint/).
  const tracker =
    typeof input === 'string'
      ? trackTextPosition(currentRun(), settings.stage, start, settings.encoding)
      : undefined
  const positionAfter = (): { position?: CsvFilePosition } => {
    if (tracker !== undefined && text.compressed)
      throw new Error(
        `${settings.stage}: checkpoints cannot seek in gzip data; decompress the file first`,
      )
    const boundary = tracker === undefined ? undefined : rows.boundary
    const offset = tracker?.offset(boundary?.carry, text.startsWithBom)
    const shape = shaper.savedShape
    if (boundary === undefined || offset === undefined) return {}
    if (settings.header && shape.columns === undefined) return {}
    return { position: { file: { offset, ...shape, ...boundary.position } } }
  }
  let done = false
  return {
    async next() {
      try {
        while (!done) {
          const piece = await text.next()
          const items: Array<Either<Failure, A>> = []
          const origins: Origins = { lines: [], rows: [] }
          const locate = (index: number): Location => shaper.origin(origins, index)
          if (piece === undefined) {
            done = true
            await text.close()
            shaper.shape(rows.end(), items, origins)
            reached()
            // The last batch even if empty, so the final details reach the report.
            return { done: false, value: { items, bytes: 0, details: details(), locate } }
          }
          shaper.shape(rows.push(piece.text, piece.invalid), items, origins)
          tracker?.fed(piece.text, piece.invalid)
          if (items.length > 0)
            return {
              done: false,
              value: { items, bytes: piece.bytes, details: details(), locate, ...positionAfter() },
            }
        }
        return { done: true, value: undefined }
      } catch (error) {
        done = true
        await text.close()
        throw error
      }
    },
    async return() {
      done = true
      await text.close()
      return { done: true, value: undefined }
    },
  }
}

/** Where each record of a batch starts: physical line and data row, by the record's index. */
interface Origins {
  readonly lines: number[]
  readonly rows: number[]
}

/** Turns parsed rows into records: header, width check, typing. */
class RecordShaper {
  private names: string[] | undefined
  private width: number | undefined
  private build: RecordBuilder<unknown> | undefined
  private row = 0
  /** Blank lines skipped so far. */
  blankLines = 0
  private readonly typer: ReturnType<typeof valueTyper> | undefined
  private readonly awaitingHeader: boolean

  constructor(
    private readonly settings: CsvReaderSettings,
    private readonly delimiter: () => string,
  ) {
    this.typer = settings.typing === undefined ? undefined : valueTyper(settings.typing)
    const { columns } = settings
    this.awaitingHeader = settings.header
    if (!settings.header && Array.isArray(columns)) this.useNames(columns)
  }

  /** Continues after a saved position: its columns and row count. */
  resume(position: CsvFilePosition['file']): void {
    if (position.columns !== undefined) this.useNames(position.columns)
    else if (position.width !== undefined) this.width = position.width
    this.row = position.row
  }

  /** What a saved position keeps of the records' shape. */
  get savedShape(): { row: number; columns: string[] | undefined; width: number | undefined } {
    return { row: this.row, columns: this.names, width: this.width }
  }

  private useNames(names: readonly string[]): void {
    this.names = uniqueNames(names)
    this.width = this.names.length
    this.build = recordBuilder(this.names)
  }

  // Literals, not spreads: a sink that keeps each record's location (the database sinks) asks
  // for one per record, and four allocations each were a tenth of a 1M-row load's CPU.
  private location(line: number, row: number | undefined): Location {
    const file = this.settings.file
    if (file === undefined) return row === undefined ? { line } : { line, row }
    return row === undefined ? { file, line } : { file, line, row }
  }

  /** The location of the `index`th item of a batch whose origins were recorded in `origins`. */
  origin(origins: Origins, index: number): Location {
    return this.location(origins.lines[index] as number, origins.rows[index])
  }

  private headerPending(): boolean {
    return this.awaitingHeader && this.names === undefined
  }

  private takeHeader(fields: readonly string[]): void {
    const { columns } = this.settings
    if (columns === undefined) this.useNames(fields)
    else if (typeof columns === 'function') this.useNames(columns(uniqueNames(fields)))
    else this.useNames(columns)
  }

  /** Appends the records and failures of `parsed` to `items` (typed by the caller's options). */
  shape<A>(parsed: ParsedRows, items: Array<Either<Failure, A>>, origins: Origins): void {
    const { entries } = parsed
    const { stage, trim } = this.settings
    const typer = this.typer
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as ParsedRows['entries'][number]
      if (entry === BLANK_LINE) {
        this.blankLines++
        continue
      }
      if (!Array.isArray(entry)) {
        let row: number | undefined
        if (this.headerPending() && entry.fields !== undefined) this.takeHeader(entry.fields)
        else row = ++this.row
        // Failures carry their location already; origins stay aligned with items.
        origins.lines.push(0)
        origins.rows.push(0)
        items.push(
          left(
            failure('ParseError', {
              stage,
              reason: entry.reason,
              location: this.location(entry.line, row),
              raw: entry.raw,
              ...(entry.details === undefined ? {} : { details: entry.details }),
            }),
          ),
        )
        continue
      }
      const fields = trim ? entry.map((field) => field.trim()) : entry
      if (this.headerPending()) {
        this.takeHeader(fields)
        continue
      }
      const row = ++this.row
      const width = (this.width ??= fields.length)
      if (fields.length !== width) {
        origins.lines.push(0)
        origins.rows.push(0)
        items.push(left(this.ragged(fields, width, lineOf(parsed, index), row)))
        continue
      }
      const values = typer === undefined ? fields : fields.map(typer)
      origins.lines.push(lineOf(parsed, index))
      origins.rows.push(row)
      items.push(right((this.build === undefined ? values : this.build(values)) as A))
    }
  }

  private ragged(fields: readonly string[], width: number, line: number, row: number): Failure {
    const found = fields.length
    const raw = rowText(fields, this.delimiter(), this.settings.rows.quoteChar)
    return failure('ParseError', {
      stage: this.settings.stage,
      reason: `${found > width ? 'too many' : 'too few'} fields: expected ${width}, found ${found}`,
      location: this.location(line, row),
      raw,
      details: { expected: width, found },
    })
  }
}
