import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BLANK_LINE,
  CsvRowParser,
  type CsvEntry,
  type RowParserSettings,
} from '../../../src/internal/csv/rowParser.js'

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

/** Every entry `text` parses to when fed in pieces cut at `cuts`. */
function parse(
  text: string,
  cuts: readonly number[],
  options: Partial<RowParserSettings> = {},
): Array<{ entry: CsvEntry; line: number }> {
  const parser = new CsvRowParser({ ...settings, ...options })
  const found: Array<{ entry: CsvEntry; line: number }> = []
  const take = (parsed: { entries: CsvEntry[]; lines: number[] }): void =>
    parsed.entries.forEach((entry, index) => found.push({ entry, line: parsed.lines[index] ?? 0 }))
  let from = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    take(parser.push(text.slice(from, cut)))
    from = Math.max(from, cut)
  }
  take(parser.push(text.slice(from)))
  take(parser.end())
  return found
}

describe('CsvRowParser', () => {
  it('reads any rows with mixed line endings the same however the text is cut', () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'é', '😀', ',', '"', '\n', '\r', ' ', ';'),
      maxLength: 5,
    })
    const row = fc.tuple(
      fc.array(field, { minLength: 2, maxLength: 2 }),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    const input = fc.tuple(
      fc.array(row, { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 8 }),
    )
    fc.assert(
      fc.property(input, ([rows, cuts]) => {
        const write = (value: string): string =>
          /[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value
        const text = rows.map(([fields, ending]) => fields.map(write).join(',') + ending).join('')
        const parsed = parse(
          text,
          cuts.map((cut) => cut % (text.length + 1)),
        )
        expect(parsed.map(({ entry }) => entry)).toEqual(rows.map(([fields]) => fields))
        // The line of a row: one per row-ending break before it, plus its quoted breaks, counted
        // by the character of the first row's line ending.
        const breakChar = rows[0]?.[1] === '\r' ? '\r' : '\n'
        let line = 1
        const expected = rows.map(([fields]) => {
          const start = line
          line += 1 + fields.join('').split(breakChar).length - 1
          return start
        })
        expect(parsed.map(({ line }) => line)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })

  it('continues a long row where it stopped, and splits a row of empty fields right', () => {
    const width = 300_000
    const text = ','.repeat(width - 1) + '\r\n' + '1,"a\r\nb"' + '\r'
    const cuts = Array.from({ length: 40 }, (_, index) => index * 7_919)
    const parsed = parse(text, cuts)
    expect(parsed.map(({ entry }) => (Array.isArray(entry) ? entry.length : entry))).toEqual([
      width,
      2,
    ])
    expect(parsed[1]).toEqual({ entry: ['1', 'a\r\nb'], line: 2 })
  })

  it('reads a quote at the end of a piece as doubled or closing by what follows', () => {
    const text = 'a,"x""y"\n"p""",q\n'
    for (let cut = 0; cut <= text.length; cut++)
      expect(parse(text, [cut]).map(({ entry }) => entry)).toEqual([
        ['a', 'x"y'],
        ['p"', 'q'],
      ])
  })

  it('reads a comment prefix and a delimiter of several characters cut between pieces', () => {
    const text = '//c,"\na||b\n"x"||y\n'
    for (let cut = 0; cut <= text.length; cut++)
      expect(
        parse(text, [cut], { comments: '//', delimiter: '||' }).map(({ entry }) => entry),
      ).toEqual([
        ['a', 'b'],
        ['x', 'y'],
      ])
  })

  it('reads a line again from its start when the quick path hands it over, wherever the text is cut', () => {
    const text = 'a,b\r\n , \r1,2\r\n,\n3,"4"\r5,6\r'
    for (let cut = 0; cut <= text.length; cut++)
      expect(
        parse(text, [cut], { skipEmptyLines: 'greedy' }).map(({ entry }) => entry),
        String(cut),
      ).toEqual([['a', 'b'], BLANK_LINE, ['1', '2'], BLANK_LINE, ['3', '4'], ['5', '6']])
  })

  it('keeps blank lines apart from rows holding a quoted empty value', () => {
    const entries = parse('a\r\n\r\n""\r\r\n', []).map(({ entry }) => entry)
    expect(entries).toEqual([['a'], BLANK_LINE, [''], BLANK_LINE])
  })
})
