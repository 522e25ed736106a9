import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { copyChunks, copyLineOf, copyValue } from '../../../src/integrations/postgres/copyText.js'

const text = (chunks: Iterable<string>): string => [...chunks].join('')

/** COPY text back to values, as the server reads it (enough of it for strings and NULL). */
function unescape(field: string): string | null {
  if (field === '\\N') return null
  return field.replace(/\\(.)/g, (_, char: string) =>
    char === 'n' ? '\n' : char === 'r' ? '\r' : char === 't' ? '\t' : char,
  )
}

describe('copyValue', () => {
  it('writes NULL, numbers, booleans, dates, bytes, arrays and JSON as COPY text', () => {
    expect(copyValue(null, false)).toBe('\\N')
    expect(copyValue(undefined, false)).toBe('\\N')
    expect(copyValue(1.5, false)).toBe('1.5')
    expect(copyValue(Number.NaN, false)).toBe('NaN')
    expect(copyValue(-Infinity, false)).toBe('-Infinity')
    expect(copyValue(12n, false)).toBe('12')
    expect(copyValue(true, false)).toBe('t')
    expect(copyValue(new Date('2026-01-02T03:04:05.000Z'), false)).toBe('2026-01-02T03:04:05.000Z')
    expect(copyValue(new Uint8Array([1, 255]), false)).toBe('\\\\x01ff')
    expect(copyValue(['a b', null], true)).toBe('{"a b",NULL}')
    expect(copyValue({ note: 'tab\there' }, false)).toBe('{"note":"tab\\\\there"}')
    expect(copyValue('back\\slash\nline', false)).toBe('back\\\\slash\\nline')
  })
})

describe('copyChunks', () => {
  it('writes one line per record, tab-separated, in the order of the columns', () => {
    const records = [
      { id: 1, name: 'Zoë', note: 'a\tb' },
      { name: 'x', id: 2 },
    ]
    expect(text(copyChunks(records, ['id', 'name', 'note'], new Set()))).toBe(
      '1\tZoë\ta\\tb\n2\tx\t\\N\n',
    )
  })

  it('gives no chunk for no records', () => {
    expect([...copyChunks([], ['id'], new Set())]).toEqual([])
  })

  it('cuts many records into chunks of about 64 Ki characters that add up to the whole text', () => {
    const records = Array.from({ length: 5000 }, (_, index) => ({
      id: index,
      name: `name ${index} ${'é'.repeat(index % 40)}`,
    }))
    const chunks = [...copyChunks(records, ['id', 'name'], new Set())]
    expect(chunks.length).toBeGreaterThan(1)
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(64 * 1024 + 100)
    const lines = text(chunks).split('\n')
    expect(lines.length).toBe(5001)
    expect(lines[4999]).toBe(`4999\tname 4999 ${'é'.repeat(4999 % 40)}`)
  })

  it('keeps a value longer than a chunk whole', () => {
    const long = 'ü'.repeat(100_000)
    const chunks = [...copyChunks([{ a: 'x' }, { a: long }, { a: 'y' }], ['a'], new Set())]
    expect(text(chunks)).toBe(`x\n${long}\ny\n`)
  })

  it('reads back as the values it was given, whatever the strings hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(fc.string({ unit: 'binary' })), fc.string()), {
          maxLength: 50,
        }),
        (pairs) => {
          const records = pairs.map(([a, b]) => ({ a, b }))
          const written = text(copyChunks(records, ['a', 'b'], new Set()))
          const lines = written.split('\n')
          expect(lines.pop()).toBe('')
          expect(lines.map((line) => line.split('\t').map(unescape))).toEqual(
            pairs.map(([a, b]) => [a, b]),
          )
        },
      ),
      { numRuns: 50 },
    )
  })
})

describe('copyLineOf', () => {
  it('reads the line and column a COPY error names', () => {
    expect(copyLineOf({ where: 'COPY stage, line 3, column amount: "x"' })).toEqual({
      line: 3,
      column: 'amount',
    })
    expect(copyLineOf({ where: 'COPY stage, line 7' })).toEqual({ line: 7 })
    expect(copyLineOf({ where: 'SQL statement' })).toBeUndefined()
    expect(copyLineOf(new Error('no where'))).toBeUndefined()
  })
})
