import { describe, expect, it } from 'vitest'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import {
  CsvFileFormat,
  type CsvFileFormatSettings,
} from '../../../src/internal/csv/csvFileFormat.js'
import { RecordProblem } from '../../../src/internal/fileSink.js'

const defaults: CsvFileFormatSettings = {
  columns: undefined,
  delimiter: ',',
  lineEnding: '\n',
  extraColumns: 'error',
  header: true,
  bom: false,
  formulaEscape: false,
}

/** The whole text of a file of `records` in a format made with `settings`. */
function fileOf(records: unknown[], settings: Partial<CsvFileFormatSettings> = {}): string {
  const format = new CsvFileFormat<unknown>({ ...defaults, ...settings })
  let out = format.start(0)
  records.forEach((record, index) => (out += format.record(record, index)))
  return out + format.end(records.length)
}

describe('CsvFileFormat', () => {
  it('writes the header of the first record’s keys with the first row', () => {
    expect(
      fileOf([
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ]),
    ).toBe('a,b\n1,x\n2,y\n')
  })

  it('writes arrays as rows without a header', () => {
    expect(
      fileOf([
        [1, 2],
        [3, 4],
      ]),
    ).toBe('1,2\n3,4\n')
  })

  it('writes the header alone for no records when the columns are known, with the BOM', () => {
    expect(fileOf([], { columns: ['a', 'b'], bom: true })).toBe('\uFEFFa,b\n')
    expect(fileOf([])).toBe('')
  })

  it('quotes a row of one empty cell, so readers do not skip it', () => {
    expect(fileOf([{ a: '' }])).toBe('a\n""\n')
  })

  it('refuses keys that are not columns, naming them, by default', () => {
    const format = new CsvFileFormat<object>({ ...defaults, columns: ['a'] })
    expect(() => format.record({ a: 1, b: 2 }, 0)).toThrow(RecordProblem)
    expect(() => format.record({ a: 1, b: 2 }, 0)).toThrow('keys not in the columns: b')
  })

  it('never writes a value inherited from Object.prototype for a missing column', () => {
    expect(fileOf([{ toString: 'x' }, {}], { columns: ['toString'], extraColumns: 'ignore' })).toBe(
      'toString\nx\n""\n',
    )
  })

  it('appends new keys as columns and widens the earlier rows in the rewrite', async () => {
    const format = new CsvFileFormat<object>({ ...defaults, extraColumns: 'append' })
    const written = format.record({ a: 1 }, 0) + format.record({ a: 2, b: 3 }, 1)
    expect(written).toBe('a\n1\n2,3\n')
    const rewrite = format.rewrite()
    expect(rewrite).toBeDefined()
    const widened = await text(Readable.from([written]).pipe((rewrite as () => never)()))
    expect(widened).toBe('a,b\n1,\n2,3\n')
  })

  it('needs no rewrite when no column was added', () => {
    const format = new CsvFileFormat<object>({ ...defaults, extraColumns: 'append' })
    format.record({ a: 1 }, 0)
    expect(format.rewrite()).toBeUndefined()
  })
})
