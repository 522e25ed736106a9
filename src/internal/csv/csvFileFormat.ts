/**
 * How `toCsv` formats its records into a file: the BOM and header, a row per record (objects by
 * their columns, arrays as they are), keys that are not columns, and the streamed rewrite at the
 * commit when columns were appended after the header was written.
 *
 * @internal
 * @packageDocumentation
 */
import type { Transform } from 'node:stream'
import { RecordProblem, type FileFormat } from '../fileSink.js'
import { cellFormatter, widenRows, type ColumnSegment, type CsvLineEnding } from './csvFormat.js'

/** What {@link CsvFileFormat} needs from the sink's options. @internal */
export interface CsvFileFormatSettings {
  /** The columns; `undefined`: the keys of the first record (or arrays, without a header). */
  readonly columns: readonly string[] | undefined
  readonly delimiter: string
  readonly lineEnding: CsvLineEnding
  readonly extraColumns: 'error' | 'ignore' | 'append'
  readonly header: boolean
  readonly bom: boolean
  readonly formulaEscape: boolean
}

/** What a checkpoint keeps of the CSV format. */
interface CsvFormatState {
  readonly columns: string[] | undefined
  readonly segments: ColumnSegment[]
  readonly writeHeader: boolean
  readonly headerWritten: boolean
  readonly fileIsEmpty: boolean
}

/**
 * The CSV format of one run of `toCsv`. The header goes out with the first row written (after
 * that row was formatted, so a first record that fails writes no header), or at the end for a
 * file of no records with known columns; not at all when appending to a file that is not empty.
 *
 * @internal
 */
export class CsvFileFormat<A> implements FileFormat<A> {
  private readonly cell: (value: unknown) => string
  private readonly bom: string
  private columns: string[] | undefined
  private known: Set<string>
  /** Where the number of columns grew: the rewrite pads the rows before each growth. */
  private readonly segments: ColumnSegment[]
  private writeHeader: boolean
  private headerWritten = false
  private fileIsEmpty = true

  constructor(private readonly settings: CsvFileFormatSettings) {
    this.cell = cellFormatter(settings.delimiter, settings.formulaEscape)
    this.bom = settings.bom ? '\uFEFF' : ''
    this.columns = settings.columns === undefined ? undefined : [...settings.columns]
    this.known = new Set(this.columns)
    this.segments = this.columns === undefined ? [] : [{ fromRow: 0, columns: this.columns.length }]
    this.writeHeader = settings.header
  }

  start(existingBytes: number): string {
    this.fileIsEmpty = existingBytes === 0
    return ''
  }

  record(record: A, index: number): string {
    if (typeof record !== 'object' || record === null)
      throw new RecordProblem(
        `a CSV row needs an object or an array, not ${record === null ? 'null' : typeof record}`,
      )
    if (!this.headerWritten && this.columns === undefined) this.takeShapeOf(record)
    let line: string
    if (Array.isArray(record)) line = this.row(record.map(this.cell).join(this.settings.delimiter))
    else if (this.columns === undefined)
      throw new RecordProblem('an object row in a file of array rows: give the columns')
    else line = this.objectRow(record as Readonly<Record<string, unknown>>, this.columns, index)
    return this.headerWritten ? line : this.head() + line
  }

  /** What a checkpoint keeps of the format: the columns and whether the header is out. */
  save(): CsvFormatState {
    const { columns, segments, writeHeader, headerWritten, fileIsEmpty } = this
    return { columns, segments, writeHeader, headerWritten, fileIsEmpty }
  }

  restore(saved: unknown): void {
    const state = saved as CsvFormatState
    this.columns = state.columns === undefined ? undefined : [...state.columns]
    this.known = new Set(this.columns)
    this.segments.splice(0, this.segments.length, ...state.segments)
    ;({
      writeHeader: this.writeHeader,
      headerWritten: this.headerWritten,
      fileIsEmpty: this.fileIsEmpty,
    } = state)
  }

  end(count: number): string {
    return count === 0 && this.columns !== undefined ? this.head() : ''
  }

  rewrite(): (() => Transform) | undefined {
    const first = this.segments[0]
    const columns = this.columns
    if (first === undefined || columns === undefined || first.columns === columns.length)
      return undefined
    const { lineEnding, delimiter } = this.settings
    const settings = {
      skipBom: this.bom !== '',
      skipHeader: this.writeHeader,
      prefix: this.bom + (this.writeHeader ? this.headerRow(columns) : ''),
      lineEnding,
      delimiter,
      segments: this.segments,
      columns: columns.length,
    }
    return () => widenRows(settings)
  }

  /** The first record decides: an array means rows of arrays (no header), an object its columns. */
  private takeShapeOf(record: object): void {
    if (Array.isArray(record)) {
      this.writeHeader = false
      return
    }
    this.columns = Object.keys(record)
    this.known = new Set(this.columns)
    this.segments.push({ fromRow: 0, columns: this.columns.length })
  }

  /** A row of one empty cell would be an empty line, which readers skip: quote it. */
  private row(cells: string): string {
    return cells === '' ? `""${this.settings.lineEnding}` : cells + this.settings.lineEnding
  }

  private headerRow(names: readonly string[]): string {
    return this.row(names.map(this.cell).join(this.settings.delimiter))
  }

  /** The BOM and header, before the first row (or at the end, for a file of no records). */
  private head(): string {
    if (this.headerWritten) return ''
    this.headerWritten = true
    let text = this.fileIsEmpty ? this.bom : ''
    if (this.writeHeader && this.columns !== undefined && this.fileIsEmpty)
      text += this.headerRow(this.columns)
    return text
  }

  private objectRow(
    record: Readonly<Record<string, unknown>>,
    names: string[],
    index: number,
  ): string {
    const { delimiter } = this.settings
    // Fast path: the record's keys are the columns, in order (records parsed from a CSV are).
    let line = ''
    let count = 0
    for (const key in record) {
      if (key !== names[count]) {
        count = -1
        break
      }
      line += (count === 0 ? '' : delimiter) + this.cell(record[key])
      count += 1
    }
    if (count === names.length) return this.row(line)
    this.extraKeys(record, names, index)
    return this.row(names.map((name) => this.cell(valueOf(record, name))).join(delimiter))
  }

  /** Keys of `record` that are not columns: refused, ignored, or appended as columns. */
  private extraKeys(record: object, names: string[], index: number): void {
    const extra = Object.keys(record).filter((key) => !this.known.has(key))
    if (extra.length === 0) return
    if (this.settings.extraColumns === 'error')
      throw new RecordProblem(
        `keys not in the columns: ${extra.join(', ')} (columns: ${names.join(', ')}; see extraColumns)`,
        { extraKeys: extra },
      )
    if (this.settings.extraColumns === 'append') {
      names.push(...extra)
      for (const key of extra) this.known.add(key)
      this.segments.push({ fromRow: index, columns: names.length })
    }
  }
}

/**
 * A record's value for a column: never one it inherits from Object.prototype (`constructor`,
 * `toString`), which would write a function's source for a missing key; other inherited values
 * (getters of a class) are read as usual.
 */
function valueOf(record: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(record, name) || !(name in Object.prototype)) return record[name]
  return undefined
}
