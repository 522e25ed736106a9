import { describe, expect, it } from 'vitest'
import {
  BLANK_LINE,
  lineOf,
  type ParsedRows,
  type RowParserSettings,
} from '../../../src/internal/csv/parsedRows.js'
import { CsvRowParser } from '../../../src/internal/csv/rowParser.js'

const settings: RowParserSettings = {
  delimiter: ',',
  quoteChar: '"',
  escapeChar: '"',
  comments: false,
  maxFieldBytes: 1 << 20,
  maxRowBytes: 1 << 24,
  skipEmptyLines: true,
  skipLeadingEmptyLines: true,
}

/** Every entry of `text` read in one piece, with its line, as the parser gives them. */
function parseAll(text: string, options: Partial<RowParserSettings> = {}): ParsedRows {
  const parser = new CsvRowParser({ ...settings, ...options })
  const first = parser.push(text)
  const last = parser.end()
  return {
    entries: [...first.entries, ...last.entries],
    lines: [...first.lines, ...last.lines],
  }
}

describe('lineOf', () => {
  it('gives the line where each entry starts, quoted line breaks counted', () => {
    const parsed = parseAll('a,b\n"x\ny",1\n\n2,3\n"unclosed,4\n')
    expect(parsed.lines).toHaveLength(parsed.entries.length)
    expect(parsed.entries.map((_, index) => lineOf(parsed, index))).toEqual([1, 2, 4, 5, 6])
    expect(parsed.entries[2]).toBe(BLANK_LINE)
    expect(parsed.entries[4]).toMatchObject({ line: 6 })
  })

  it('reads the line a list gives, by index', () => {
    expect(lineOf({ entries: [['a'], ['b']], lines: [3, 7] }, 1)).toBe(7)
  })
})

describe('BLANK_LINE', () => {
  it('stands for each skipped blank line, told apart from a row of one empty field by identity', () => {
    const parsed = parseAll('a\n\n""\n   \n', { skipEmptyLines: 'greedy' })
    expect(parsed.entries).toEqual([['a'], [], [''], []])
    expect(parsed.entries.map((entry) => entry === BLANK_LINE)).toEqual([false, true, false, true])
    expect(BLANK_LINE).toEqual([])
  })

  it('is not given for empty lines the reader keeps', () => {
    const parsed = parseAll('a\n\nb\n', { skipEmptyLines: false })
    expect(parsed.entries.some((entry) => entry === BLANK_LINE)).toBe(false)
    expect(parsed.entries).toEqual([['a'], [''], ['b']])
  })
})
