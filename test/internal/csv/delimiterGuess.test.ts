import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { guessDelimiter, type SampleParser } from '../../../src/internal/csv/delimiterGuess.js'
import type { RowParserSettings } from '../../../src/internal/csv/parsedRows.js'
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

/** The parser the CSV reader gives the guess: its own settings with each candidate. */
const parserFor = (delimiter: string): SampleParser => new CsvRowParser({ ...settings, delimiter })

const guess = (sample: string, final = true): string => guessDelimiter(sample, final, parserFor)

describe('guessDelimiter', () => {
  it('finds each candidate: comma, semicolon, tab and pipe', () => {
    expect(guess('a,b,c\n1,2,3\n')).toBe(',')
    expect(guess('a;b;c\n1;2;3\n')).toBe(';')
    expect(guess('a\tb\tc\n1\t2\t3\n')).toBe('\t')
    expect(guess('a|b|c\n1|2|3\n')).toBe('|')
  })

  it('takes the candidate that gives the most fields when both split rows evenly', () => {
    expect(guess('a;b,c;d\n1;2,3;4\n')).toBe(';')
    expect(guess('a,b;c,d\n1,2;3,4\n')).toBe(',')
  })

  it('prefers even rows to more fields: decimal commas under a semicolon', () => {
    const sample = 'name;price;qty\nA;1,50;2\nB;2;3\nC;10,25;1\n'
    expect(guess(sample)).toBe(';')
  })

  it('ignores delimiters inside quoted fields', () => {
    expect(guess('"a;b;c";"d,e"\n"1;2;3";"4,5"\n')).toBe(';')
    expect(guess('"a;b",c\n"1;2",3\n')).toBe(',')
  })

  it('falls back to a comma when no candidate gives two fields a row', () => {
    expect(guess('')).toBe(',')
    expect(guess('single\ncolumn\n')).toBe(',')
    expect(guess('a:b:c\n1:2:3\n')).toBe(',')
  })

  it('counts an unfinished last row only when the sample is the whole input', () => {
    expect(guess('p;q\nx;y', false)).toBe(';')
    expect(guess('x;y', false)).toBe(',')
    expect(guess('x;y', true)).toBe(';')
  })

  it('looks at the first 50 rows only', () => {
    const semicolons = 'a;b;c\n'.repeat(50)
    const commas = 'a,b,c,d,e\n'.repeat(200)
    expect(guess(semicolons + commas)).toBe(';')
    // The same rows of commas, now among the first 50, outweigh ten rows of semicolons.
    expect(guess('a;b;c\n'.repeat(10) + commas)).toBe(',')
  })

  it('finds the delimiter rows of any number of fields were written with', () => {
    const field = fc.stringMatching(/^[a-z0-9 .]{0,6}$/)
    fc.assert(
      fc.property(
        fc.constantFrom(',', ';', '\t', '|'),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(field, { minLength: 60, maxLength: 60 }),
        (delimiter, width, count, fields) => {
          const rows = Array.from({ length: count }, (_, row) =>
            Array.from({ length: width }, (__, column) => fields[(row * width + column) % 60]).join(
              delimiter,
            ),
          )
          expect(guess(`${rows.join('\n')}\n`)).toBe(delimiter)
        },
      ),
    )
  })
})
