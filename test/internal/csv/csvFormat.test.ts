import { describe, expect, it } from 'vitest'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import {
  cellFormatter,
  checkDelimiter,
  parseFirstRow,
  widenRows,
  type WidenRowsOptions,
} from '../../../src/internal/csv/csvFormat.js'

describe('cellFormatter', () => {
  const cell = cellFormatter(',', false)

  it('quotes a string only when it contains the delimiter, a quote, CR, LF or edge white space', () => {
    expect(cell('plain text')).toBe('plain text')
    expect(cell('')).toBe('')
    expect(cell('a,b')).toBe('"a,b"')
    expect(cell('"')).toBe('""""')
    expect(cell('a\rb')).toBe('"a\rb"')
    expect(cell('a\nb')).toBe('"a\nb"')
    expect(cell(' a')).toBe('" a"')
    expect(cell('a\t')).toBe('"a\t"')
    expect(cell('日本')).toBe('日本')
  })

  it('treats a multi-character delimiter and regular-expression characters literally', () => {
    expect(cellFormatter('||', false)('a|b')).toBe('a|b')
    expect(cellFormatter('||', false)('a||b')).toBe('"a||b"')
    expect(cellFormatter('.', false)('ab')).toBe('ab')
    expect(cellFormatter('.', false)('a.b')).toBe('"a.b"')
  })

  it('writes other values as text, Dates as ISO 8601 and objects as JSON', () => {
    expect(cell(null)).toBe('')
    expect(cell(undefined)).toBe('')
    expect(cell(0)).toBe('0')
    expect(cell(false)).toBe('false')
    expect(cell(2n ** 70n)).toBe('1180591620717411303424')
    expect(cell(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(cell({ a: 'b,c' })).toBe('"{""a"":""b,c""}"')
    expect(cell([])).toBe('[]')
  })

  it('escapes formula starts in strings only, when asked', () => {
    const escaping = cellFormatter(',', true)
    expect(['=1', '+1', '-1', '@a', '\ta', 'a=1'].map(escaping)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@a",
      "'\ta",
      'a=1',
    ])
    expect(escaping(-1)).toBe('-1')
  })
})

describe('checkDelimiter', () => {
  it('refuses empty delimiters and ones with quotes or line breaks', () => {
    expect(() => checkDelimiter('toCsv', '')).toThrow('toCsv: the delimiter "" must be non-empty')
    for (const bad of ['"', ',\n', '\r']) expect(() => checkDelimiter('toCsv', bad)).toThrow()
    expect(() => checkDelimiter('toCsv', ';')).not.toThrow()
  })
})

describe('widenRows', () => {
  const options: WidenRowsOptions = {
    skipBom: true,
    skipHeader: true,
    prefix: '\uFEFFa,b,c\r\n',
    lineEnding: '\r\n',
    delimiter: ',',
    segments: [
      { fromRow: 0, columns: 1 },
      { fromRow: 2, columns: 2 },
      { fromRow: 3, columns: 3 },
    ],
    columns: 3,
  }
  const input = '\uFEFFa\r\n"x\r\n,""y"""\r\né🎉\r\n1,2\r\n1,2,"3\r\n"\r\n'
  const expected = '\uFEFFa,b,c\r\n"x\r\n,""y""",,\r\né🎉,,\r\n1,2,\r\n1,2,"3\r\n"\r\n'

  const run = async (chunks: Buffer[]): Promise<string> =>
    // Buffer, not text(): TextDecoder would strip the BOM.
    (await buffer(Readable.from(chunks).pipe(widenRows(options)))).toString('utf8')

  it('replaces the header and pads earlier rows to the final column count', async () => {
    expect(await run([Buffer.from(input)])).toBe(expected)
  })

  it('gives the same result however the input is split into chunks', async () => {
    const bytes = Buffer.from(input)
    for (let cut = 1; cut < bytes.length; cut++)
      expect(await run([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(expected)
    expect(await run([...bytes].map((byte) => Buffer.from([byte])))).toBe(expected)
  })
})

describe('parseFirstRow', () => {
  it('parses quoted and plain cells of the first row, skipping a BOM', () => {
    expect(parseFirstRow('\uFEFFa,"b,""c""\r\n",d\r\nx,y,z\r\n', ',')).toEqual([
      'a',
      'b,"c"\r\n',
      'd',
    ])
    expect(parseFirstRow('a||b\n', '||')).toEqual(['a', 'b'])
    expect(parseFirstRow(',\r', ',')).toEqual(['', ''])
  })

  it('gives undefined when no row is complete', () => {
    expect(parseFirstRow('a,b', ',')).toBeUndefined()
    expect(parseFirstRow('"a\n', ',')).toBeUndefined()
    expect(parseFirstRow('', ',')).toBeUndefined()
  })
})
