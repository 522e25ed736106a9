import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, readlink, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
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
import { fileStateStore } from '../../src/state/fileStateStore.js'
import { appendFile } from 'node:fs/promises'

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

describe('fromJson hardening', () => {
  it('fails when a member skipped on the way to path is malformed', async () => {
    for (const skipped of [
      '[1,,2]',
      'tru',
      '"\\q"',
      '{"a" 1}',
      '01',
      '[1',
      '"a\tb"',
      '-',
      '1.e5',
    ]) {
      const text = `{"meta": ${skipped}, "data": [1]}`
      for (const pieces of [[text], Array.from(text)]) {
        const { error, records } = await runToArray(
          fromJson(Readable.from(pieces.map((piece) => Buffer.from(piece))), { path: 'data' }),
        )
        expect(error?.message, text).toMatch(
          /^fromJson stream: invalid JSON in the stream at byte \d+ \(line 1\): /,
        )
        expect(records, text).toEqual([])
      }
    }
    const keyed = await runToArray(fromJson({ text: '{"a\\q": 1, "data": [1]}' }, { path: 'data' }))
    expect(keyed.error?.message).toMatch(
      /invalid JSON in the text at byte 4 \(line 1\): unexpected 'q'/,
    )
    const fine = await runToArray(
      fromJson(
        { text: '{"m": [1, {"x": "\\\\\\"y\\u00e9"}, -1.5e3, true, null], "d\\u0061ta": [7]}' },
        { path: 'data' },
      ),
    )
    expect(fine.records).toEqual([7])
  })

  it('skips runs of backslashes and long keys under path without holding them', async () => {
    const backslashes = '\\\\'.repeat(2_000_000)
    const text = `{"${backslashes}": "${backslashes}\\"", "data": [1, 2]}`
    const { records, error } = await runToArray(
      fromJson(chunked(Buffer.from(text), [65_536, 131_072, 4_000_000]), { path: 'data' }),
    )
    expect(error).toBeUndefined()
    expect(records).toEqual([1, 2])
  })

  it('fails clearly on nesting deeper than maxDepth, in every mode, without growing a list per bracket', async () => {
    const deep = '['.repeat(3_000_000)
    const cases: Array<[string, Parameters<typeof fromJson>[1]]> = [
      [`[${deep}`, {}],
      [`{"a": ${deep}`, { format: 'object' }],
      [`{"meta": ${deep}`, { path: 'data' }],
      [`{"data": [${deep}`, { path: 'data', maxRecordBytes: 1e9 }],
    ]
    for (const [text, options] of cases) {
      const { error } = await runToArray(fromJson({ text }, { ...options, name: 'deep' }))
      expect(error?.message, JSON.stringify(options)).toMatch(
        /^deep: the text at byte \d+ \(line 1\): nesting deeper than maxDepth \(1000\)/,
      )
    }
    const { records } = await runToArray(
      fromJson({ text: `[${'['.repeat(40)}${']'.repeat(40)}]` }, { maxDepth: 40 }),
    )
    expect(records).toHaveLength(1)
    const line = `${'['.repeat(5_000)}${']'.repeat(5_000)}`
    const lines = await runToArray(fromJson({ text: `${line}\n[1]\n` }, { format: 'ndjson' }))
    expect(lines.records).toEqual([[1]])
    expect(lines.failures[0]?.message).toMatch(
      /^fromJson text line 1: nesting deeper than maxDepth \(1000\)/,
    )
  })

  it('enforces maxRecordBytes in single-object mode, early, naming the stage and file', async () => {
    const path = await file('big.json', `{"items": [${'"xxxxxxxxxx",'.repeat(200_000)} 1]}`)
    const { error } = await runToArray(fromJson(path, { maxRecordBytes: 1024 * 1024 }))
    expect(error?.message).toBe(
      `fromJson ${path.split('/').pop() ?? ''}: ${path} at byte 0 (line 1): the object is larger than maxRecordBytes (1048576 bytes): if the input holds one JSON value per line, read it with format: 'ndjson'; to stream an array inside it, use path`,
    )
    const ndjsonNamedJson = await file('export.json', '{"id":1}\n'.repeat(100_000))
    const early = await runToArray(fromJson(ndjsonNamedJson, { maxRecordBytes: 64 * 1024 }))
    expect(early.error?.message).toMatch(
      /at byte 0 \(line 1\): the object is larger than maxRecordBytes \(65536 bytes\): if the input holds one JSON value per line, read it with format: 'ndjson'/,
    )
    const multiByte = await runToArray(
      fromJson({ text: `{"a": "${'é'.repeat(60)}"}` }, { maxRecordBytes: 100 }),
    )
    expect(multiByte.error?.message).toMatch(
      /the object is larger than maxRecordBytes \(100 bytes\)/,
    )
  })

  it('counts maxRecordBytes exactly, whether or not a record straddles reads', async () => {
    const line = `{"name":"${'é'.repeat(100)}"}`
    expect(Buffer.byteLength(line)).toBe(211)
    const ndjson = `{"a":1}\n${line}\n{"a":2}\n`
    const array = `[{"a":1}, ${line}, {"a":2}]`
    for (const cuts of [[], [12], [3, 50, 150]]) {
      const lines = await runToArray(
        fromJson(chunked(Buffer.from(ndjson), cuts), { format: 'ndjson', maxRecordBytes: 100 }),
      )
      expect(lines.records).toEqual([{ a: 1 }, { a: 2 }])
      expect(lines.failures.map((failure) => failure.location?.line)).toEqual([2])
      expect(lines.failures[0]?.message).toContain('longer than maxRecordBytes (100)')
      const elements = await runToArray(
        fromJson(chunked(Buffer.from(array), cuts), { maxRecordBytes: 100 }),
      )
      expect(elements.error?.message).toContain(
        'an array element is longer than maxRecordBytes (100)',
      )
      const fits = await runToArray(
        fromJson(chunked(Buffer.from(array), cuts), { maxRecordBytes: 211 }),
      )
      expect(fits.records).toHaveLength(3)
    }
  })

  it('takes no NDJSON line of \\f, \\v, U+00A0, U+FEFF or U+2028 for blank', async () => {
    const text = ['1', '\f', '\v', '\u00A0', '\uFEFF', '\u2028', ' \t\r', '', '2'].join('\n') + '\n'
    const { records, failures } = await runToArray(fromJson({ text }, { format: 'ndjson' }))
    expect(records).toEqual([1, 2])
    expect(failures.map((failure) => failure.location?.line)).toEqual([2, 3, 4, 5, 6])
  })

  it('reports bytes that are not UTF-8 by default, and reads them as U+FFFD with strictEncoding: false', async () => {
    const latin1 = Buffer.from(
      '{"name":"M\xFCller"}\n{"name":"M\xE4ller"}\n{"name":"Ada"}\n',
      'latin1',
    )
    const path = await file('crm.ndjson', latin1)
    const strict = await runToArray(fromJson(path))
    expect(strict.records).toEqual([{ name: 'Ada' }])
    expect(strict.failures.map((failure) => failure.location?.line)).toEqual([1, 2])
    expect(strict.failures[0]?.message).toMatch(/invalid UTF-8 byte sequence: .*encoding: 'latin1'/)
    const oneByte = await runToArray(
      fromJson(chunked(latin1, Array.from(latin1.keys())), { format: 'ndjson' }),
    )
    expect(oneByte.failures.map((failure) => failure.location?.line)).toEqual([1, 2])
    const lenient = await runToArray(fromJson(path, { strictEncoding: false }))
    expect(lenient.records).toEqual([
      { name: 'M\uFFFDller' },
      { name: 'M\uFFFDller' },
      { name: 'Ada' },
    ])
    expect((await runToArray(fromJson(path, { encoding: 'latin1' }))).records[0]).toEqual({
      name: 'Müller',
    })
    const document = Buffer.concat([Buffer.from('[1,\n"a'), Buffer.from([0xff]), Buffer.from('"]')])
    const failed = await runToArray(fromJson(chunked(document, [5]), { name: 'doc' }))
    expect(failed.error?.message).toMatch(
      /^doc: the stream at byte 6 \(line 2\): invalid UTF-8 byte sequence/,
    )
  })

  it('refuses numbers JSON.parse would change, naming the field and the value, or keeps them as asked', async () => {
    const text =
      '{"id": 9007199254740993, "n": 1}\n{"deal": {"amount": 1e400}}\n{"ok": 9007199254740992}\n'
    const refused = await runToArray(fromJson({ text }, { format: 'ndjson' }))
    expect(refused.records).toEqual([{ ok: 9007199254740992 }])
    expect(refused.failures.map((failure) => failure.message)).toEqual([
      "fromJson text line 1 field id: the number 9007199254740993 at id is beyond 2^53 and would read as 9007199254740992; pass bigNumbers: 'string' or 'bigint' to keep it",
      "fromJson text line 2 field deal.amount: the number 1e400 at deal.amount is out of range and would read as Infinity; pass bigNumbers: 'string' or 'bigint' to keep it",
    ])
    const strings = await runToArray(fromJson({ text }, { format: 'ndjson', bigNumbers: 'string' }))
    expect(strings.records).toEqual([
      { id: '9007199254740993', n: 1 },
      { deal: { amount: '1e400' } },
      { ok: 9007199254740992 },
    ])
    const bigints = await runToArray(fromJson({ text }, { format: 'ndjson', bigNumbers: 'bigint' }))
    expect(bigints.records[0]).toEqual({ id: 9007199254740993n, n: 1 })
    const array = await runToArray(
      fromJson({ text: '[{"a": 1}, {"b": [1, 12345678901234567891]}, {"c": 3}]' }),
    )
    expect(array.records).toEqual([{ a: 1 }, { c: 3 }])
    expect(array.failures[0]?.location).toEqual({ line: 1, field: 'b[1]' })
    const object = await runToArray(fromJson({ text: '{"x": 1e-400}' }))
    expect(object.failures[0]?.message).toMatch(
      /field x: the number 1e-400 at x is out of range and would read as 0/,
    )
  })
})

/** Where JSONTestSuite's test_parsing is: beside the clone (as in CI), or the shared copy. */
function findCorpus(): string {
  const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
  const candidates = [
    join(repository, '..', 'shared', 'corpora', 'JSONTestSuite', 'test_parsing'),
    '/work/shared/corpora/JSONTestSuite/test_parsing',
  ]
  const found = candidates.find((candidate) => existsSync(candidate))
  if (found === undefined)
    throw new Error(
      `JSONTestSuite's test_parsing (MIT, third-party: not committed) is missing: looked in ${candidates.join(' and ')}. Put a copy of shared/ beside the clone.`,
    )
  return found
}

describe('fromJson against JSONTestSuite', () => {
  const corpus = findCorpus()
  const cases = readdirSync(corpus)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(corpus, name)) }))

  /** How a run of one case ended: its records, or that it failed (run error or failure). */
  async function outcome(flow: ReturnType<typeof fromJson>): Promise<unknown[] | 'failed'> {
    const { records, failures, error } = await runToArray(flow)
    return error !== undefined || failures.length > 0 ? 'failed' : records
  }

  /** What JSON.parse makes of the case, or 'failed'. */
  const parsed = (bytes: Buffer): unknown => {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    } catch {
      return 'failed'
    }
  }
  const isContainer = (value: unknown): boolean => typeof value === 'object' && value !== null

  it('reads every y_ case and refuses every n_ case, as a whole file and in 1-byte reads', async () => {
    expect(cases.length).toBeGreaterThan(300)
    for (const { name, bytes } of cases) {
      if (name.startsWith('i_')) continue
      const value = parsed(bytes)
      // fromJson reads an array or an object at the top: a lone scalar is refused by design.
      const expected =
        name.startsWith('y_') && isContainer(value)
          ? Array.isArray(value)
            ? value
            : [value]
          : 'failed'
      const whole = await outcome(fromJson(Readable.from([bytes])))
      expect(whole, `${name} whole`).toEqual(expected)
      const oneByte = await outcome(fromJson(chunked(bytes, Array.from(bytes.keys()))))
      expect(oneByte, `${name} 1-byte`).toEqual(expected)
    }
  }, 120_000)

  it('checks every case skipped under path, as a whole file and in 1-byte reads', async () => {
    for (const { name, bytes } of cases) {
      if (name.startsWith('i_')) continue
      const wrapped = Buffer.concat([
        Buffer.from('{"skipped": '),
        bytes,
        Buffer.from(', "data": [1]}'),
      ])
      const expected = name.startsWith('y_') ? [1] : 'failed'
      const whole = await outcome(fromJson(Readable.from([wrapped]), { path: 'data' }))
      expect(whole, `${name} under path`).toEqual(expected)
      const cut = await outcome(
        fromJson(chunked(wrapped, Array.from(wrapped.keys())), { path: 'data' }),
      )
      expect(cut, `${name} under path, 1-byte`).toEqual(expected)
    }
  }, 120_000)

  it('reads every one-line y_ case as an NDJSON line and refuses every n_ one', async () => {
    let checked = 0
    for (const { name, bytes } of cases) {
      if (name.startsWith('i_')) continue
      const text = bytes.toString('latin1').replace(/\n$/, '')
      // NDJSON cases: one line; a blank line (after a byte order mark at the start of the
      // input) is no record in NDJSON, so it is no case.
      if (text.includes('\n') || /^[ \t\r]*$/.test(bytes.toString('utf8').replace(/^\uFEFF/, '')))
        continue
      const line = Buffer.concat([
        bytes.subarray(0, Buffer.from(text, 'latin1').length),
        Buffer.from('\n'),
      ])
      const value = parsed(bytes)
      const expected = name.startsWith('y_') ? [value] : 'failed'
      const lines = await outcome(fromJson(Readable.from([line]), { format: 'ndjson' }))
      expect(lines, `${name} as NDJSON`).toEqual(expected)
      checked++
    }
    expect(checked).toBeGreaterThan(250)
  })

  it('ends every i_ case either way, never with a crash', async () => {
    const accepted: string[] = []
    for (const { name, bytes } of cases) {
      if (!name.startsWith('i_')) continue
      const result = await runToArray(fromJson(Readable.from([bytes])))
      expect(result.report.status, name).toMatch(/completed|failed/)
      if (result.error === undefined && result.failures.length === 0) accepted.push(name)
    }
    // Accepted: numbers a double reads exactly enough; refused: bytes that are not UTF-8, lone
    // scalars, numbers JSON.parse would change, and nesting past maxDepth does not occur here.
    expect(accepted.length).toBeGreaterThan(0)
  })
})

describe('fromJson with the state run option', () => {
  it('reads only the NDJSON lines appended since the last committed run', async () => {
    const path = join(directory, 'events-state.ndjson')
    await writeFile(path, '{"id":1}\n{"id":2}\n')
    const state = { store: fileStateStore(join(directory, 'ndjson-state.json')), key: 'events' }
    const read = (): Promise<RunReport & { records: unknown[] }> =>
      pipe(fromJson(path, { name: 'events' }), toArray({ state }))
    expect((await read()).records).toEqual([{ id: 1 }, { id: 2 }])
    await appendFile(path, '{"id":3}\n{oops\n')
    const second = await read()
    expect(second.records).toEqual([{ id: 3 }])
    expect(second.failures[0]?.location).toMatchObject({ file: path, line: 4, offset: 27 })
    expect((await read()).read).toBe(0)
    expect(await state.store.get('events')).toMatchObject({
      positions: { events: { ndjson: { line: 5, offset: 33 } } },
    })
  })

  it('fails naming the file when it became shorter than the saved position', async () => {
    const path = join(directory, 'shrunk-state.ndjson')
    await writeFile(path, '{"id":1}\n')
    const state = { store: fileStateStore(join(directory, 'shrunk-state.json')), key: 'k' }
    await pipe(fromJson(path), toArray({ state }))
    await writeFile(path, '')
    await expect(pipe(fromJson(path), toArray({ state }))).rejects.toThrow(
      `${path} holds 0 bytes, fewer than the 9 bytes the saved state says were read`,
    )
  })

  it('saves no position for a JSON array, which is read whole every time', async () => {
    const path = join(directory, 'array-state.json')
    await writeFile(path, '[{"id":1}]')
    const state = { store: fileStateStore(join(directory, 'array-state.state.json')), key: 'k' }
    await pipe(fromJson(path), toArray({ state }))
    expect((await pipe(fromJson(path), toArray({ state }))).records).toEqual([{ id: 1 }])
  })
})
