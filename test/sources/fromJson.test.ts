import { mkdtemp, readdir, readlink, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { firstValueFrom, take, toArray as collect } from 'rxjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { toArray } from '../../src/sinks/toArray.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { runToArray } from '../../src/testing/runToArray.js'
import type { RunReport } from '../../src/core/RunReport.js'

let directory = ''
let fileCount = 0

beforeAll(async () => {
  directory = await realpath(await mkdtemp(join(tmpdir(), 'powerflow-fromJson-')))
})

afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

/** Writes a temporary file and returns its path. */
async function file(name: string, content: string | Uint8Array): Promise<string> {
  fileCount += 1
  const path = join(directory, `${fileCount}-${name}`)
  await writeFile(path, content)
  return path
}

/** Whether this process has `path` open, from /proc/self/fd (Linux). */
async function isOpen(path: string): Promise<boolean> {
  const descriptors = await readdir('/proc/self/fd')
  for (const descriptor of descriptors) {
    const target = await readlink(join('/proc/self/fd', descriptor)).catch(() => '')
    if (target === path) return true
  }
  return false
}

/** Waits until `check` holds (for work that finishes after an unsubscribe returns). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return false
}

/** A Readable giving `bytes` in the given pieces, as Buffers. */
function chunked(bytes: Buffer, cuts: readonly number[]): Readable {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
  const pieces: Buffer[] = []
  let start = 0
  for (const point of [...points, bytes.length]) {
    if (point > start) pieces.push(bytes.subarray(start, point))
    start = Math.max(start, point)
  }
  return Readable.from(pieces)
}

/** The run adds up: read + created = written + dropped + merged + failed. */
function expectBalanced(report: RunReport): void {
  expect(report.read + report.created).toBe(
    report.written + report.dropped + report.merged + report.failed,
  )
}

const hasProc = await readdir('/proc/self/fd').then(
  () => true,
  () => false,
)

describe('fromJson', () => {
  it('reads an empty array as no records', async () => {
    const path = await file('empty.json', '[]')
    const report = await pipe(fromJson(path), toArray())
    expect(report.records).toEqual([])
    expect(report.status).toBe('completed')
    expect(report.read).toBe(0)
  })

  it('reads each element of an array as a record, in order', async () => {
    const one = await pipe(fromJson(await file('one.json', '[{"id":1}]')), toArray())
    expect(one.records).toEqual([{ id: 1 }])
    const elements = Array.from({ length: 5000 }, (_, id) => ({ id, name: `n${id}` }))
    const many = await pipe(
      fromJson(await file('many.json', JSON.stringify(elements, null, 2))),
      toArray(),
    )
    expect(many.records).toEqual(elements)
    expect(many.read).toBe(5000)
    expect(many.written).toBe(5000)
    expectBalanced(many)
  })

  it('keeps nested values, unicode and escapes', async () => {
    const elements = [
      { nested: { deep: [1, [2, [3, { four: null }]]], empty: {}, none: [] } },
      'quote " backslash \\ slash / brackets ] } , [ {',
      '\u00e9\u4e2d\u6587 \ud83d\ude00 \u0000 \t\n\r\b\f',
      { 'key with "quotes" and ]': true, é: -1.5e-7 },
      0,
      false,
      null,
      [],
    ]
    const text = JSON.stringify(elements).replace('\\"quotes\\"', '\\u0022quotes\\u0022')
    const report = await pipe(fromJson(await file('unicode.json', text)), toArray())
    expect(report.records).toEqual(elements)
  })

  it('reads any array the same however its bytes are split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue(), { maxLength: 20 }),
        fc.constantFrom(undefined, 1, '\t'),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (values, indent, cuts) => {
          const bytes = Buffer.from(JSON.stringify(values, null, indent))
          const result = await runToArray(fromJson(chunked(bytes, cuts)))
          expect(result.error).toBeUndefined()
          expect(result.records).toEqual(JSON.parse(bytes.toString()))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('reads escapes and multi-byte characters split one byte per chunk', async () => {
    const values = ['\\"', '\\\\', 'a\\\\"b', '"\\', 'é😀', { 'k\\"': ['\\'] }]
    const everyByte = (bytes: Buffer): number[] =>
      Array.from({ length: bytes.length }, (_, index) => index)
    const bytes = Buffer.from(JSON.stringify(values))
    const result = await runToArray(fromJson(chunked(bytes, everyByte(bytes))))
    expect(result.records).toEqual(values)
    const document = Buffer.from(JSON.stringify({ 'skip\\"': values, list: values }))
    const nested = await runToArray(
      fromJson(chunked(document, everyByte(document)), { path: 'list' }),
    )
    expect(nested.records).toEqual(values)
  })

  it('reads elements and lines that span many chunks', async () => {
    const long = {
      text: 'x\\"'.repeat(100_000),
      list: Array.from({ length: 10_000 }, (_, n) => n),
    }
    const array = await file('long.json', JSON.stringify([1, long, 2]))
    expect((await pipe(fromJson(array), toArray())).records).toEqual([1, long, 2])
    const lines = await file('long.ndjson', `1\n${JSON.stringify(long)}\r\n2\n`)
    expect((await pipe(fromJson(lines), toArray())).records).toEqual([1, long, 2])
  })

  it('reads a single top-level object as one record', async () => {
    const value = { id: 7, tags: ['a', 'b'], nested: { list: [{ x: '}' }] } }
    const report = await pipe(
      fromJson(await file('single.json', `\n  ${JSON.stringify(value, null, 2)}\n`)),
      toArray(),
    )
    expect(report.records).toEqual([value])
    expect(report.read).toBe(1)
  })

  it('streams the array at a property path inside objects', async () => {
    const document = {
      meta: { items: ['not these'], tricky: 'a "quoted" ] } string', list: [{ data: 1 }] },
      data: { count: 2, items: [{ id: 1 }, { id: 2 }], after: 'ignored' },
    }
    const path = await file('nested.json', JSON.stringify(document, null, 2))
    const report = await pipe(fromJson(path, { path: 'data.items' }), toArray())
    expect(report.records).toEqual([{ id: 1 }, { id: 2 }])
    const escaped = await runToArray(fromJson({ text: '{"a\\u002eb": [1, 2]}' }, { path: ['a.b'] }))
    expect(escaped.records).toEqual([1, 2])
  })

  it('finds the nested array however the bytes are split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue(),
        fc.array(fc.jsonValue(), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (other, items, cuts) => {
          const document = {
            before: other,
            'x\\"y': other,
            data: { skip: other, items },
            after: other,
          }
          const bytes = Buffer.from(JSON.stringify(document, null, 1))
          const result = await runToArray(fromJson(chunked(bytes, cuts), { path: 'data.items' }))
          expect(result.error).toBeUndefined()
          expect(result.records).toEqual(JSON.parse(JSON.stringify(items)))
        },
      ),
      { numRuns: 100 },
    )
  })

  it('fails naming the path when the nested array is not there', async () => {
    const result = await runToArray(
      fromJson({ text: '{"data": {"other": []}}' }, { path: 'data.items' }),
    )
    expect(result.error?.message).toContain("no property 'items' on the way to data.items")
    const wrong = await runToArray(
      fromJson({ text: '{"data": {"items": 3}}' }, { path: 'data.items' }),
    )
    expect(wrong.error?.message).toContain('expected an array at data.items, found a number')
  })

  it('reads NDJSON, reporting a malformed line with its line number and reading the rest', async () => {
    const path = await file(
      'deals.ndjson',
      '{"id":1}\n{"id":2}\n{"id": 3,, }\n{"id":4}\n[5]\n"six"\n',
    )
    const result = await runToArray(fromJson(path))
    expect(result.records).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }, [5], 'six'])
    expect(result.report.read).toBe(6)
    expect(result.report.failed).toBe(1)
    expect(result.failures[0]).toMatchObject({
      _tag: 'ParseError',
      stage: expect.stringMatching(/^fromJson \d+-deals\.ndjson$/),
      raw: '{"id": 3,, }',
      location: { file: path, line: 3, offset: 18 },
    })
    expect(result.failures[0]?.message).toContain(
      "line 3: invalid JSON at column 10: unexpected ',': expected a property name",
    )
    expectBalanced(result.report)
  })

  it('reads CRLF NDJSON and skips blank lines, keeping line numbers right', async () => {
    const text = '\r\n{"a":1}\r\n\r\n   \r\n{"a":2}\r\nbad\r\n\t\r\n{"a":3}'
    const result = await runToArray(fromJson({ text }, { format: 'ndjson' }))
    expect(result.records).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }])
    expect(result.failures).toHaveLength(1)
    expect(result.failures[0]).toMatchObject({ raw: 'bad', location: { line: 6 } })
    expect(result.report.read).toBe(4)
  })

  it('reads NDJSON the same however its bytes are split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.jsonValue(), fc.constantFrom('', '  ', '{oops')), { maxLength: 20 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (lines, crlf, cuts) => {
          const texts = lines.map((line) =>
            typeof line === 'string' && (line.trim() === '' || line === '{oops')
              ? line
              : JSON.stringify(line),
          )
          const bytes = Buffer.from(texts.join(crlf ? '\r\n' : '\n'))
          const result = await runToArray(fromJson(chunked(bytes, cuts), { format: 'ndjson' }))
          const good = texts.filter((text) => text.trim() !== '' && text !== '{oops')
          expect(result.records).toEqual(good.map((text) => JSON.parse(text)))
          const badLines = texts.flatMap((text, index) => (text === '{oops' ? [index + 1] : []))
          expect(result.failures.map((failure) => failure.location?.line)).toEqual(badLines)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('detects NDJSON from .jsonl and gunzips .gz files', async () => {
    const jsonl = await file('events.jsonl', '{"n":1}\n{"n":2}\n')
    expect((await pipe(fromJson(jsonl), toArray())).records).toEqual([{ n: 1 }, { n: 2 }])
    const gzipped = await file('events.ndjson.gz', gzipSync('{"n":1}\n{"n":2}\n{"n":3}\n'))
    expect((await pipe(fromJson(gzipped), toArray())).records).toHaveLength(3)
    const array = await file('array.json.gz', gzipSync('[{"n":1},{"n":2}]'))
    expect((await pipe(fromJson(array), toArray())).records).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('reports a line longer than maxRecordBytes and reads on from the next line', async () => {
    const text = `{"a":1}\n{"long":"${'x'.repeat(500)}"}\n{"a":2}\n`
    const result = await runToArray(
      fromJson(chunked(Buffer.from(text), [20, 40, 60, 300]), {
        format: 'ndjson',
        maxRecordBytes: 100,
      }),
    )
    expect(result.records).toEqual([{ a: 1 }, { a: 2 }])
    expect(result.failures).toHaveLength(1)
    expect(result.failures[0]?.location?.line).toBe(2)
    expect(result.failures[0]?.message).toContain('longer than maxRecordBytes (100)')
  })

  it('fails on an array element longer than maxRecordBytes', async () => {
    const text = `[1, "${'x'.repeat(500)}", 2]`
    const result = await runToArray(
      fromJson(chunked(Buffer.from(text), [50, 100, 150]), { maxRecordBytes: 100 }),
    )
    expect(result.error?.message).toContain('at byte 4 (line 1): an array element is longer than')
  })

  it('fails on malformed array JSON with the byte offset and line of the error', async () => {
    const path = await file('bad.json', '\uFEFF[\n  {"name": "é"},\n  {"name": x}\n]')
    const result = await runToArray(fromJson(path))
    expect(result.report.status).toBe('failed')
    // BOM (3) + '[\n' (2) + '  {"name": "é"},\n' (18 with the two-byte é) + '  {"name": ' (11).
    expect(result.error?.message).toBe(
      `fromJson ${path.split('/').pop() ?? ''}: invalid JSON in ${path} at byte 34 (line 3): unexpected 'x': expected a value`,
    )
    const comma = await runToArray(fromJson({ text: '[1,2,]' }))
    expect(comma.error?.message).toContain("at byte 5 (line 1): unexpected ']'")
    const mismatched = await runToArray(fromJson({ text: '[{"a": [1}]' }))
    expect(mismatched.error?.message).toContain("at byte 9 (line 1): unexpected '}'")
    const after = await runToArray(fromJson({ text: '[1] [2]' }))
    expect(after.error?.message).toContain(
      "at byte 4 (line 1): unexpected '[' after the end of the array",
    )
  })

  it('fails on a truncated array after emitting the complete elements before it', async () => {
    const path = await file('truncated.json', '[{"id":1},\n{"id":2},\n{"id":3')
    const result = await runToArray(fromJson(path))
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toContain('at byte 28 (line 3): unexpected end of input')
    expect(result.records).toEqual([{ id: 1 }, { id: 2 }])
    expectBalanced(result.report)
  })

  it('fails clearly on a top-level scalar, an empty input and a mismatched format', async () => {
    const scalar = await runToArray(fromJson({ text: ' 42 ' }))
    expect(scalar.error?.message).toContain('the top-level value is a number')
    const empty = await runToArray(fromJson(await file('empty-file.json', '')))
    expect(empty.error?.message).toContain('the input is empty')
    const object = await runToArray(fromJson({ text: '{"a":1}' }, { format: 'array' }))
    expect(object.error?.message).toContain('expected a JSON array, found an object')
    const array = await runToArray(fromJson({ text: '[1]' }, { format: 'object' }))
    expect(array.error?.message).toContain('expected a JSON object, found an array')
    const ndjsonish = await runToArray(fromJson({ text: '{"a":1}\n{"a":2}\n' }))
    expect(ndjsonish.error?.message).toContain("at byte 8 (line 2): unexpected '{'")
    expect(ndjsonish.error?.message).toContain("format: 'ndjson'")
  })

  it('fails at once naming the path of a missing file', async () => {
    const missing = join(directory, 'does-not-exist.json')
    const result = await runToArray(fromJson(missing))
    expect(result.error?.message).toContain(`cannot open ${missing}`)
    expect(result.error?.message).toContain('ENOENT')
    expect(result.report.status).toBe('failed')
    expect(result.report.read).toBe(0)
  })

  it('reads { text } and Readable input, decoding split multi-byte characters', async () => {
    const text = await pipe(fromJson({ text: '[{"a":"é"}]' }), toArray())
    expect(text.records).toEqual([{ a: 'é' }])
    expect(text.stages[0]?.name).toBe('fromJson text')
    const bytes = Buffer.from('{"emoji":"😀"}\n{"cjk":"中文"}\n')
    const stream = await pipe(
      fromJson(chunked(bytes, [12, 13, 14, 26, 27]), { format: 'ndjson', name: 'events' }),
      toArray(),
    )
    expect(stream.records).toEqual([{ emoji: '😀' }, { cjk: '中文' }])
    expect(stream.stages[0]?.name).toBe('events')
  })

  it('reads other encodings', async () => {
    const path = await file('latin1.json', Buffer.from('["caf\u00e9"]', 'latin1'))
    const report = await pipe(fromJson(path, { encoding: 'latin1' }), toArray())
    expect(report.records).toEqual(['café'])
  })

  it('completes with a Readable that never emits close, and destroys it', async () => {
    const stream = new Readable({ emitClose: false, read() {} })
    stream.push('{"a":1}\n{"a":2}\n')
    stream.push(null)
    const report = await pipe(fromJson(stream, { format: 'ndjson' }), toArray())
    expect(report.records).toEqual([{ a: 1 }, { a: 2 }])
    expect(stream.destroyed).toBe(true)
  })

  it('rejects a Readable that was already read', async () => {
    const stream = Readable.from(['[1]'])
    await pipe(fromJson(stream), toArray())
    const again = await runToArray(fromJson(stream))
    expect(again.error?.message).toContain('a Readable can be read once')
  })

  it.skipIf(!hasProc)('closes the file on completion and on a syntax error', async () => {
    const good = await file('closed.json', '[1,2,3]')
    await pipe(fromJson(good), toArray())
    expect(await isOpen(good)).toBe(false)
    const bad = await file('closed-bad.json', '[1,2,oops]')
    const result = await runToArray(fromJson(bad))
    expect(result.error).toBeDefined()
    expect(await isOpen(bad)).toBe(false)
  })

  it.skipIf(!hasProc)('closes the file when unsubscribed early', async () => {
    const elements = Array.from({ length: 100_000 }, (_, id) => ({ id }))
    const path = await file('early.json', JSON.stringify(elements))
    const firstThree = await firstValueFrom(fromJson(path).pipe(take(3), collect()))
    expect(firstThree.filter(isRight).map((item) => item.right)).toEqual(elements.slice(0, 3))
    expect(await eventually(async () => !(await isOpen(path)))).toBe(true)
  })

  it('wakes a pending read and destroys the stream when the run is aborted', async () => {
    const stream = new Readable({ read() {} })
    stream.push('[1, 2')
    const closed = new Promise((resolve) => stream.once('close', resolve))
    const controller = new AbortController()
    const running = runToArray(fromJson(stream), { signal: controller.signal })
    setImmediate(() => controller.abort())
    const result = await running
    expect(result.error?.name).toBe('AbortError')
    expect(result.report.status).toBe('aborted')
    await closed
    expect(stream.destroyed).toBe(true)
  })

  it('reads a large array with bounded records in flight, and the report adds up', async () => {
    const count = 200_000
    const lines: string[] = []
    for (let id = 0; id < count; id++) lines.push(`{"id":${id},"name":"record ${id}"}`)
    const path = await file('large.json', `[${lines.join(',\n')}]`)
    let seen = 0
    let ordered = true
    const slowSink = defineSink<unknown>({
      name: 'slow',
      batchSize: 100,
      async write(batch) {
        for (const record of batch) {
          if ((record as { id: number }).id !== seen) ordered = false
          seen += 1
        }
        await new Promise((resolve) => setImmediate(resolve))
      },
    })
    const highWaterMark = 500
    const report = await pipe(fromJson(path), slowSink({ highWaterMark }))
    expect(seen).toBe(count)
    expect(ordered).toBe(true)
    expect(report.read).toBe(count)
    expect(report.written).toBe(count)
    expect(report.maxInFlight).toBeLessThanOrEqual(highWaterMark + 100)
    expectBalanced(report)
  })

  it('gives failures as Left values in the flow itself', async () => {
    const items = await firstValueFrom(
      fromJson({ text: '1\nnope\n3\n' }, { format: 'ndjson' }).pipe(collect()),
    )
    expect(items.map((item) => (isLeft(item) ? item.left._tag : item.right))).toEqual([
      1,
      'ParseError',
      3,
    ])
  })

  it('rejects a path option with the ndjson format at once', () => {
    expect(() => fromJson({ text: '' }, { format: 'ndjson', path: 'a' })).toThrow(
      "the path option needs format 'auto' or 'array'",
    )
  })
})
