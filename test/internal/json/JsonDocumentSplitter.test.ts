import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  JsonDocumentSplitter,
  RefusedNumber,
  type SplitterOptions,
} from '../../../src/internal/json/JsonDocumentSplitter.js'
import { JsonSyntaxError } from '../../../src/internal/json/JsonSyntaxError.js'

const defaults: SplitterOptions = {
  shape: 'auto',
  path: [],
  byteLength: (text) => Buffer.byteLength(text),
  maxRecordBytes: 1 << 20,
  maxDepth: 100,
  bigNumbers: 'fail',
}

/** What the splitter makes of `text` cut at `cuts`: the values, or the error it throws. */
function split(
  text: string,
  cuts: readonly number[] = [],
  options: Partial<SplitterOptions> = {},
): { values: unknown[]; error?: JsonSyntaxError } {
  const splitter = new JsonDocumentSplitter({ ...defaults, ...options })
  const values: unknown[] = []
  const at = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b)
  let from = 0
  try {
    for (const cut of [...at, text.length]) {
      values.push(...splitter.write(text.slice(from, cut)))
      from = cut
      if (splitter.done) return { values }
    }
    values.push(...splitter.end())
    return { values }
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    return { values, error }
  }
}

const cutsArbitrary = fc.array(fc.nat(), { maxLength: 8 })
const element = fc.jsonValue({ maxDepth: 3 })

describe('JsonDocumentSplitter', () => {
  it('gives the elements of any array, plain or pretty, however the text is cut', () => {
    fc.assert(
      fc.property(
        fc.array(element, { maxLength: 8 }),
        fc.boolean(),
        cutsArbitrary,
        (items, pretty, cuts) => {
          const text = JSON.stringify(items, null, pretty ? 2 : undefined)
          const { values, error } = split(text, cuts)
          expect(error).toBeUndefined()
          expect(values).toEqual(JSON.parse(text))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('gives the array at a path, checking the members it passes over, however the text is cut', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((key) => key !== 'data'),
          element,
          { maxKeys: 4 },
        ),
        fc.array(element, { maxLength: 5 }),
        cutsArbitrary,
        (before, items, cuts) => {
          const text = JSON.stringify({ ...before, data: { items }, after: [1, 2] })
          const { values, error } = split(text, cuts, { path: ['data', 'items'] })
          expect(error).toBeUndefined()
          expect(values).toEqual(JSON.parse(JSON.stringify(items)))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('reads a single object whole, and a byte order mark before it', () => {
    const text = '\uFEFF{"a": [1, {"b": "}"}], "c": "\\""}'
    for (let cut = 0; cut <= text.length; cut++)
      expect(split(text, [cut])).toEqual({ values: [{ a: [1, { b: '}' }], c: '"' }] })
    expect(split('[1]', [], { shape: 'object' }).error?.reason).toBe(
      'expected a JSON object, found an array',
    )
  })

  it('fails with the same reason, byte and line however a broken document is cut', () => {
    const broken = fc.constantFrom(
      '[1, 2,\n 3',
      '[1, 2,]',
      '[1,\n [2, }]',
      '[1]\n x',
      '',
      ' 42',
      '[{"a": tru}]',
      '{"meta": [1,,2], "data": [1]}',
      '[1, "é\n", 02]',
    )
    fc.assert(
      fc.property(broken, cutsArbitrary, (text, cuts) => {
        const whole = split(text, [], { path: text.startsWith('{') ? ['data'] : [] })
        const cut = split(text, cuts, { path: text.startsWith('{') ? ['data'] : [] })
        expect(whole.error).toBeInstanceOf(JsonSyntaxError)
        expect(cut.error?.message).toBe(whole.error?.message)
      }),
      { numRuns: 300 },
    )
    expect(split('[1, 2,\n 3').error?.message).toBe(
      'invalid JSON at byte 9 (line 2): unexpected end of input inside the array (is the file truncated?)',
    )
    expect(split('').error?.reason).toBe('the input is empty: expected a JSON array or object')
  })

  it('refuses elements past maxRecordBytes and nesting past maxDepth, as limits', () => {
    const big = split(`[1, "${'x'.repeat(50)}"]`, [], { maxRecordBytes: 20 }).error
    expect(big?.kind).toBe('limit')
    expect(big?.reason).toBe('an array element is longer than maxRecordBytes (20)')
    const deep = split(`[${'['.repeat(10)}${']'.repeat(10)}]`, [], { maxDepth: 5 }).error
    expect(deep?.kind).toBe('limit')
    expect(deep?.reason).toBe('nesting deeper than maxDepth (5)')
  })

  it('refuses, or keeps as strings or bigints, numbers JSON.parse would change', () => {
    const text = '[{"id": 9007199254740993}, {"id": 1}, 1e400]'
    const refused = split(text).values
    expect(refused[0]).toBeInstanceOf(RefusedNumber)
    expect((refused[0] as RefusedNumber).field).toBe('id')
    expect(refused[1]).toEqual({ id: 1 })
    expect((refused[2] as RefusedNumber).reason).toMatch(/^the number 1e400 is out of range/)
    expect(split(text, [], { bigNumbers: 'string' }).values).toEqual([
      { id: '9007199254740993' },
      { id: 1 },
      '1e400',
    ])
    expect(split(text, [], { bigNumbers: 'bigint' }).values).toEqual([
      { id: 9007199254740993n },
      { id: 1 },
      '1e400',
    ])
  })

  it('stops at the end of the array at a path and reads no further', () => {
    const splitter = new JsonDocumentSplitter({ ...defaults, path: ['data'] })
    expect(splitter.write('{"data": [1, 2], "rest": ')).toEqual([1, 2])
    expect(splitter.done).toBe(true)
    expect(splitter.write('anything at all')).toEqual([])
  })
})
