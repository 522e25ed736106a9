import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JsonDocumentSplitter } from '../../../src/internal/json/JsonDocumentSplitter.js'
import { countLines, JsonSyntaxError } from '../../../src/internal/json/JsonSyntaxError.js'

describe('JsonSyntaxError', () => {
  it('says where the problem is, by byte and line, and why', () => {
    const error = new JsonSyntaxError("unexpected '}': expected a value", 17, 3)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('JsonSyntaxError')
    expect(error.message).toBe("invalid JSON at byte 17 (line 3): unexpected '}': expected a value")
    expect([error.reason, error.offset, error.line, error.kind]).toEqual([
      "unexpected '}': expected a value",
      17,
      3,
      'syntax',
    ])
  })

  it('does not call valid JSON past a limit or undecodable bytes invalid', () => {
    expect(new JsonSyntaxError('element larger than maxRecordBytes', 0, 1, 'limit').message).toBe(
      'JSON at byte 0 (line 1): element larger than maxRecordBytes',
    )
    expect(new JsonSyntaxError('invalid UTF-8 byte sequence', 5, 2, 'encoding').message).toBe(
      'JSON at byte 5 (line 2): invalid UTF-8 byte sequence',
    )
  })

  it('is thrown by the document splitter at the byte and line of the problem, multi-byte text before it counted', () => {
    const text = '[\n  {"name": "Zoë 😀"},\n  {"name": }\n]'
    const splitter = new JsonDocumentSplitter({
      shape: 'array',
      path: [],
      byteLength: (piece) => Buffer.byteLength(piece),
      maxRecordBytes: 1 << 20,
      maxDepth: 64,
      bigNumbers: 'fail',
    })
    let thrown: unknown
    try {
      splitter.write(text)
      splitter.end()
    } catch (error) {
      thrown = error
    }
    const at = text.indexOf('}\n]')
    expect(thrown).toBeInstanceOf(JsonSyntaxError)
    expect(thrown).toMatchObject({
      offset: Buffer.byteLength(text.slice(0, at)),
      line: 3,
      kind: 'syntax',
      reason: "unexpected '}': expected a value",
    })
  })
})

describe('countLines', () => {
  it('counts the line feeds from `from` up to, not including, `to`', () => {
    expect(countLines('a\nb\nc\n', 0, 6)).toBe(3)
    expect(countLines('a\nb\nc\n', 0, 5)).toBe(2)
    expect(countLines('a\nb\nc\n', 2, 4)).toBe(1)
    expect(countLines('a\nb\nc\n', 1, 1)).toBe(0)
    expect(countLines('', 0, 0)).toBe(0)
    // Only line feeds: a lone CR is no line break here.
    expect(countLines('a\rb\r\nc', 0, 6)).toBe(1)
  })

  it('agrees with counting by hand over any range', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '\n', '\r', 'é') }),
        fc.nat(),
        fc.nat(),
        (text, a, b) => {
          const from = Math.min(a, b) % (text.length + 1)
          const to = Math.max(from, Math.max(a, b) % (text.length + 1))
          const expected = text.slice(from, to).split('\n').length - 1
          expect(countLines(text, from, to)).toBe(expected)
        },
      ),
    )
  })
})
