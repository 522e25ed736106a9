import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  RecordBoundaryScanner,
  type BoundarySyntax,
} from '../../../src/internal/csv/recordBoundaries.js'

const RFC: BoundarySyntax = { delimiter: ',', quoteChar: '"', escapeChar: '"', comments: false }

/** Every boundary a scan reports, feeding `text` in pieces of `size` bytes. */
function boundaries(text: string, syntax: BoundarySyntax, size: number): Array<[number, boolean]> {
  const found: Array<[number, boolean]> = []
  const scanner = new RecordBoundaryScanner(syntax, (offset, dataLine) => {
    found.push([offset, dataLine])
  })
  const bytes = Buffer.from(text, 'utf8')
  for (let start = 0; start < bytes.length; start += size)
    scanner.push(bytes.subarray(start, start + size))
  return found
}

describe('RecordBoundaryScanner', () => {
  it('finds record starts past quoted line breaks, CRLF and lone CR, with empty lines marked', () => {
    const text = 'a,b\n1,"x\ny"\r\n\n2,z\r3,"q""\n"\n'
    expect(boundaries(text, RFC, 1 << 16)).toEqual([
      [4, true],
      [13, true],
      [14, false],
      [18, true],
      [27, true],
    ])
  })

  // Whole chunks take the fast way over plain lines; one byte at a time steps through every byte.
  test.prop([
    fc.array(fc.constantFrom('a', 'b', ',', ';', '"', '\n', '\r', '#', ' ', '\\', 'é'), {
      maxLength: 300,
    }),
    fc.constantFrom<BoundarySyntax>(
      RFC,
      { delimiter: ';', quoteChar: '"', escapeChar: '\\', comments: '#' },
      { delimiter: ',', quoteChar: '"', escapeChar: '"', comments: '##' },
    ),
    fc.integer({ min: 2, max: 64 }),
  ])(
    'reports the same boundaries in any chunking as a byte-by-byte scan',
    (chars, syntax, size) => {
      const text = `\uFEFF${chars.join('')}`
      const reference = boundaries(text, syntax, 1)
      expect(boundaries(text, syntax, size)).toEqual(reference)
      expect(boundaries(text, syntax, 1 << 16)).toEqual(reference)
    },
  )

  // Lines holding quoted fields take their own fast way (no step per byte): records built from
  // fields that are plain, quoted (with delimiters, doubled quotes, line breaks, spaces after the
  // closing quote), or hold a stray quote, must give the byte-by-byte scan's boundaries.
  test.prop([
    fc.array(
      fc.tuple(
        fc.array(
          fc.oneof(
            fc.constantFrom('', 'a', 'Wei', "O'Brien", 'x"y', '1.5'),
            fc
              .array(fc.constantFrom('a', ',', '""', '\n', '\r\n', '\r', ' ', 'é'), {
                maxLength: 6,
              })
              .map((parts) => `"${parts.join('')}"`),
            fc.constantFrom('"a" ', '"a"  ', '"a" b', '"a"b', '"', '"a'),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        fc.constantFrom('\n', '\n', '\r\n', '\r', ''),
      ),
      { maxLength: 30 },
    ),
    fc.constantFrom<BoundarySyntax>(RFC, { ...RFC, delimiter: ';' }, { ...RFC, comments: '#' }),
    fc.integer({ min: 8, max: 200 }),
  ])(
    'reports the byte-by-byte boundaries over records with quoted fields',
    (records, syntax, size) => {
      const delimiter = syntax.delimiter
      const text = records.map(([fields, end]) => fields.join(delimiter) + end).join('')
      const reference = boundaries(text, syntax, 1)
      expect(boundaries(text, syntax, size)).toEqual(reference)
      expect(boundaries(text, syntax, 1 << 16)).toEqual(reference)
    },
  )

  // A consumer that only wants the first boundary at or after each target says so, and the scan
  // may jump over the lines before: the cuts must be those of the full byte-by-byte scan.
  test.prop([
    fc.array(fc.constantFrom('a', ',', '"', '\n', '\n', '\n', '\r', '#', 'b'), { maxLength: 400 }),
    fc.constantFrom<BoundarySyntax>(RFC, { ...RFC, comments: '#' }),
    fc.array(fc.integer({ min: 0, max: 420 }), { maxLength: 6 }),
    fc.integer({ min: 3, max: 80 }),
  ])(
    'finds the same first boundary at or after each target when it skips',
    (chars, syntax, raw, size) => {
      const text = chars.join('')
      const targets = [...new Set(raw)].sort((a, b) => a - b)
      const all = boundaries(text, syntax, 1).map(([offset]) => offset)
      const expected = targets.map((target) => all.find((offset) => offset >= target))
      const cuts: Array<number | undefined> = []
      const scanner = new RecordBoundaryScanner(syntax, (offset) => {
        while (cuts.length < targets.length && offset >= (targets[cuts.length] as number))
          cuts.push(offset)
        return cuts.length < targets.length ? (targets[cuts.length] as number) : false
      })
      const bytes = Buffer.from(text, 'utf8')
      for (let start = 0; start < bytes.length; start += size)
        if (!scanner.push(bytes.subarray(start, start + size))) break
      while (cuts.length < targets.length) cuts.push(undefined)
      expect(cuts).toEqual(expected)
    },
  )
})
