import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BLANK_LINE,
  type CsvEntry,
  type RowParserSettings,
} from '../../../src/internal/csv/parsedRows.js'
import { CsvRowParser } from '../../../src/internal/csv/rowParser.js'
import { INVALID_UTF8 } from '../../../src/internal/csv/rowProblems.js'
import { rowText } from '../../../src/internal/csv/rowText.js'

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

  it('parses any text the same however it is cut: rows, problems, lines and comments', () => {
    const unit = fc.constantFrom('a', 'é', '😀', ',', ';', '"', '\\', '\n', '\r', ' ', '#')
    const syntax = fc.record({
      delimiter: fc.constantFrom(',', ';', ',;'),
      escapeChar: fc.constantFrom('"', '\\'),
      comments: fc.constantFrom(false as const, '#'),
      skipEmptyLines: fc.constantFrom(true, false, 'greedy' as const),
      // Limits passed at a piece boundary cut the row there (see the limit tests below).
      maxFieldBytes: fc.constant(1 << 20),
      maxRowBytes: fc.constant(1 << 24),
    })
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 60 }),
        syntax,
        fc.array(fc.nat(), { maxLength: 8 }),
        (text, options, cuts) => {
          const whole = parseAll(text, [], options)
          // Pieces hold whole characters, as the decoders give them (sizes count UTF-8 bytes).
          const onCharacter = (at: number): number =>
            /[\uDC00-\uDFFF]/.test(text.charAt(at)) ? at + 1 : at
          const cut = parseAll(
            text,
            cuts.map((at) => onCharacter(at % (text.length + 1))),
            options,
          )
          expect(cut).toEqual(whole)
        },
      ),
      { numRuns: 1_000 },
    )
  })

  it('gives back any fields written with quotes, in any delimiter and line ending', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 6 }), { minLength: 2, maxLength: 4 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.constantFrom(',', ';', '\t', '||'),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 5 }),
        (rows, delimiter, ending, cuts) => {
          // Quote every field: an unquoted empty first field would make a blank line.
          const write = (field: string): string => `"${field.replaceAll('"', '""')}"`
          const text = rows.map((row) => row.map(write).join(delimiter) + ending).join('')
          const parsed = parse(
            text,
            cuts.map((at) => at % (text.length + 1)),
            { delimiter },
          )
          expect(parsed.map(({ entry }) => entry)).toEqual(rows)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('writes a row back as text that parses to the same fields', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { minLength: 2, maxLength: 4 }), (row) => {
        const parsed = parse(`${rowText(row, ',', '"')}\n`, [])
        expect(parsed.map(({ entry }) => entry)).toEqual([row])
      }),
    )
  })

  it('reports a stray quote once, with the lines the field runs over, in the first row too', () => {
    for (const ending of ['\n', '\r\n']) {
      const text = ['a,"b"c', 'd', '"e"', 'f'].join(ending) + ending
      const parsed = parse(text, [])
      expect(parsed[0]).toEqual({
        entry: {
          reason:
            'malformed quoted field: a quote inside a quoted field must be doubled; the field runs from line 1 to line 3, 3 lines (a stray quote, perhaps)',
          line: 1,
          raw: ['a,"b"c', 'd', '"e"'].join(ending),
          fields: ['a', ['b"c', 'd', '"e'].join(ending)],
          details: { endLine: 3, lines: 3 },
        },
        line: 1,
      })
      expect(parsed[1]).toEqual({ entry: ['f'], line: 4 })
    }
  })

  it('reports an unterminated quote at the end once, at the line where it opened', () => {
    const parsed = parse('a,b\n1,"x\n2,y\n', [])
    expect(parsed[1]).toEqual({
      entry: {
        reason: 'unterminated quoted field (it swallows the rest of the input)',
        line: 2,
        raw: '1,"x\n2,y\n',
        fields: ['1', 'x\n2,y\n'],
      },
      line: 2,
    })
    expect(parsed).toHaveLength(2)
  })

  it('reports a field past maxFieldBytes and reads on at the line after the one where it opened', () => {
    const parsed = parse('a,"0123456789\nb,c\n', [], { maxFieldBytes: 8 })
    expect(
      parsed.map(({ entry, line }) => [Array.isArray(entry) ? entry : entry.reason, line]),
    ).toEqual([
      [
        'field larger than maxFieldBytes (8 bytes), perhaps an unterminated quote; reading resumes at line 2',
        1,
      ],
      [['b', 'c'], 2],
    ])
  })

  it('reports a row past maxRowBytes and reads the next row', () => {
    const parsed = parse('a,b,c,d,e,f\n1,2\n', [], { maxRowBytes: 8 })
    expect(parsed.map(({ entry }) => (Array.isArray(entry) ? entry : entry.reason))).toEqual([
      'row larger than maxRowBytes (8 bytes)',
      ['1', '2'],
    ])
  })

  it('reports a row holding undecodable bytes, naming the encoding option', () => {
    const parser = new CsvRowParser(settings)
    const text = 'a,b\nM\uFFFDller,1\nx,y\n'
    const parsed = parser.push(text, [text.indexOf('\uFFFD')])
    expect(parsed.entries[1]).toEqual({
      reason: INVALID_UTF8,
      line: 2,
      raw: 'M\uFFFDller,1',
      fields: ['M\uFFFDller', '1'],
    })
    expect(parsed.entries[2]).toEqual(['x', 'y'])
    expect(INVALID_UTF8).toMatch(/encoding: 'windows-1252' or 'latin1'/)
  })

  it('skips comment lines, counting them, and takes an escape character other than the quote', () => {
    const parser = new CsvRowParser({ ...settings, comments: '#', escapeChar: '\\' })
    const parsed = parser.push('#one\na,"b\\"c"\n#two\n')
    expect(parsed.entries).toEqual([['a', 'b"c']])
    expect(parsed.lines).toEqual([2])
    parser.end()
    expect(parser.commentLines).toBe(2)
  })

  it('resumes at a saved position: its line, delimiter and line break', () => {
    const first = new CsvRowParser({ ...settings, delimiter: 'auto' })
    first.push('a;b\r1;2\r')
    first.end()
    expect(first.position).toEqual({ line: 3, delimiter: ';', breakChar: '\r' })
    const next = new CsvRowParser({ ...settings, delimiter: 'auto', resumeAt: first.position })
    const parsed = next.push('3;"x\ry"\r4;5\r')
    expect(parsed.entries).toEqual([
      ['3', 'x\ry'],
      ['4', '5'],
    ])
    expect(parsed.lines).toEqual([3, 5])
  })
})

/** Everything a parser gives for `text` cut at `cuts`: entries with lines, and comment lines. */
function parseAll(
  text: string,
  cuts: readonly number[],
  options: Partial<RowParserSettings>,
): { entries: Array<{ entry: CsvEntry; line: number }>; comments: number } {
  const parser = new CsvRowParser({ ...settings, ...options })
  const entries: Array<{ entry: CsvEntry; line: number }> = []
  const take = (parsed: { entries: CsvEntry[]; lines: number[] }): void =>
    parsed.entries.forEach((entry, index) =>
      entries.push({ entry, line: parsed.lines[index] ?? 0 }),
    )
  let from = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    take(parser.push(text.slice(from, cut)))
    from = Math.max(from, cut)
  }
  take(parser.push(text.slice(from)))
  take(parser.end())
  return { entries, comments: parser.commentLines }
}
