import { describe, expect, it } from 'vitest'
import { CsvRowParser } from '../../../src/internal/csv/rowParser.js'
import { TextPosition } from '../../../src/internal/checkpoint/textPosition.js'

const syntax = {
  delimiter: ',',
  quoteChar: '"',
  escapeChar: '"',
  comments: false as const,
  maxFieldBytes: 1 << 20,
  maxRowBytes: 1 << 20,
  skipEmptyLines: true,
  skipLeadingEmptyLines: true,
}

describe('TextPosition with the row parser', () => {
  it('gives the byte offset where the row in progress starts, across multi-byte text', () => {
    const rowTexts = ['id,name\n', '1,Zoë\n', '2,"漢字\nnext line"\n', '3,🙂']
    const text = rowTexts.join('')
    const bytes = Buffer.from(text)
    const starts = rowTexts.map((_, index) => Buffer.byteLength(rowTexts.slice(0, index).join('')))
    // Every cut of the text into two chunks: the offset is always a row start.
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new CsvRowParser(syntax)
      const position = new TextPosition(100)
      const piece = text.slice(0, cut)
      const rows = parser.push(piece).entries.length
      position.fed(piece, undefined)
      const boundary = parser.boundary
      if (boundary === undefined) continue
      const offset = (position.offset(boundary.carry, false) as number) - 100
      expect(starts[rows]).toBe(offset)
      expect(bytes.subarray(offset).toString().startsWith(boundary.carry)).toBe(true)
    }
  })

  it('counts a byte order mark the decoder left out', () => {
    const position = new TextPosition(0)
    position.fed('a,b\n', undefined)
    expect(position.offset('', true)).toBe(7)
  })

  it('gives no offset once undecodable bytes were read', () => {
    const position = new TextPosition(0)
    position.fed('a\uFFFDb\n', undefined)
    expect(position.offset('', false)).toBeUndefined()
    const strict = new TextPosition(0)
    strict.fed('ab\n', [1])
    expect(strict.offset('', false)).toBeUndefined()
  })
})

describe('CsvRowParser.boundary', () => {
  it('knows no boundary inside a comment or while guessing the delimiter', () => {
    const comments = new CsvRowParser({ ...syntax, comments: '#' })
    comments.push('a,b\n# a comm')
    expect(comments.boundary).toBeUndefined()
    const guessing = new CsvRowParser({ ...syntax, delimiter: 'auto' })
    guessing.push('a;b\n')
    expect(guessing.boundary).toBeUndefined()
  })

  it('gives the line where the row in progress starts', () => {
    const parser = new CsvRowParser(syntax)
    parser.push('a,b\n1,"x\ny"\n2,"p\nq')
    expect(parser.boundary).toEqual({
      carry: '2,"p\nq',
      position: { line: 4, delimiter: ',', breakChar: '\n' },
    })
  })
})
