import fc from 'fast-check'
import {
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import { PassThrough, Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest'
import { fromCsv, type CsvValue, type FromCsvOptions } from '../../src/sources/fromCsv.js'
import type { Flow } from '../../src/core/Flow.js'
import type { Failure } from '../../src/core/Failure.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { failFast } from '../../src/policies/failFast.js'
import { toArray } from '../../src/sinks/toArray.js'
import { fileStateStore } from '../../src/state/fileStateStore.js'
import { appendFileSync } from 'node:fs'

const directory = realpathSync(mkdtempSync(join(tmpdir(), 'powerflow-fromCsv-')))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

let fileCount = 0
function writeFile(content: string | Buffer, name = `input-${++fileCount}.csv`): string {
  const path = join(directory, name)
  writeFileSync(path, content)
  return path
}

/** How many of this process's file descriptors point at `path` (Linux). */
function descriptorsOf(path: string): number {
  let count = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++
    } catch {
      // the descriptor closed while we looked
    }
  }
  return count
}

async function eventually(check: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return check()
}

/** The report of the run's fromCsv stage. */
const csvStage = (report: RunReport) =>
  report.stages.find((stage) => stage.name.startsWith('fromCsv') || stage.name === 'bytes')

const where = (failure: Failure | undefined) => ({
  line: failure?.location?.line,
  row: failure?.location?.row,
})

/** `text` cut into pieces of `size` characters. */
function chunksOf(text: string, size: number): string[] {
  const pieces: string[] = []
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size))
  return pieces
}

/** An obviously correct RFC 4180 writer: quote when needed, double the quotes. */
function writeCsv(rows: readonly (readonly string[])[], lineEnding = '\r\n'): string {
  const field = (value: string): string =>
    /[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value
  return rows.map((row) => row.map(field).join(',')).join(lineEnding) + lineEnding
}

describe('fromCsv', () => {
  it('reads records keyed by the header row, names its stage after the file, and adds up', async () => {
    const path = writeFile('id,name\n1,Ada\n2,Grace\n', 'people.csv')
    const { records, report, failures } = await runToArray(fromCsv(path))
    expect(records).toEqual([
      { id: '1', name: 'Ada' },
      { id: '2', name: 'Grace' },
    ])
    expect(failures).toEqual([])
    expect(report.status).toBe('completed')
    expect(report.read).toBe(2)
    expect(report.written).toBe(2)
    expect(report.stages.map((stage) => stage.name)).toContain('fromCsv people.csv')
  })

  it('strips a UTF-8 byte order mark', async () => {
    const path = writeFile('\uFEFFid,name\n1,Ada\n')
    const { records } = await runToArray(fromCsv(path))
    expect(records).toEqual([{ id: '1', name: 'Ada' }])
  })

  it('reads CRLF, LF and CR-only line endings alike', async () => {
    for (const ending of ['\r\n', '\n', '\r']) {
      const path = writeFile(['a,b', '1,2', '3,4', '5'].join(ending) + ending)
      const { records, failures } = await runToArray(fromCsv(path))
      expect(records).toEqual([
        { a: '1', b: '2' },
        { a: '3', b: '4' },
      ])
      expect(where(failures[0])).toEqual({ line: 4, row: 3 })
    }
  })

  it('reads quoted fields holding delimiters, quotes and line breaks, and keeps line numbers right after them', async () => {
    const text = [
      'id,note',
      '1,"a, b"',
      '2,"she said ""hi"""',
      '3,"two\nlines"',
      '4,"three\r\nlines\nhere"',
      '5,ok,extra',
      '6,fine',
    ].join('\n')
    const { records, failures, report } = await runToArray(fromCsv(writeFile(text)))
    expect(records).toEqual([
      { id: '1', note: 'a, b' },
      { id: '2', note: 'she said "hi"' },
      { id: '3', note: 'two\nlines' },
      { id: '4', note: 'three\r\nlines\nhere' },
      { id: '6', note: 'fine' },
    ])
    expect(failures).toHaveLength(1)
    expect(where(failures[0])).toEqual({ line: 9, row: 5 })
    expect(report.read).toBe(records.length + failures.length)
  })

  it('reports ragged rows with file, line, row and raw text, and reads on', async () => {
    const path = writeFile('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n', 'ragged.csv')
    const { records, failures, report } = await runToArray(fromCsv(path))
    expect(records).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '10', b: '11', c: '12' },
    ])
    expect(failures.map((failure) => failure.message)).toEqual([
      'fromCsv ragged.csv line 3: too few fields: expected 3, found 2',
      'fromCsv ragged.csv line 4: too many fields: expected 3, found 4',
    ])
    expect(failures[0]).toMatchObject({
      _tag: 'ParseError',
      stage: 'fromCsv ragged.csv',
      raw: '4,5',
      location: { file: path, line: 3, row: 2 },
      details: { expected: 3, found: 2 },
    })
    expect(failures[1]?.raw).toBe('6,7,8,9')
    expect(report.read).toBe(4)
    expect(report.failed).toBe(2)
  })

  it('reports an unterminated quote at the end of the file once, at the line where it opened', async () => {
    const path = writeFile('a,b\n1,2\n3,"open\n4,5\n6,7\n')
    const { records, failures } = await runToArray(fromCsv(path))
    expect(records).toEqual([{ a: '1', b: '2' }])
    expect(failures).toHaveLength(1)
    expect(failures[0]?.message).toMatch(/line 3: unterminated quoted field/)
    expect(where(failures[0])).toEqual({ line: 3, row: 2 })
    expect(failures[0]?.raw).toBe('3,"open\n4,5\n6,7\n')
  })

  it('reads an empty file and a header-only file as zero records', async () => {
    for (const text of ['', 'a,b\n', 'a,b', '\n\n']) {
      const { records, failures, report } = await runToArray(fromCsv(writeFile(text)))
      expect(records).toEqual([])
      expect(failures).toEqual([])
      expect(report.read).toBe(0)
    }
  })

  it('renames repeated header names with _2, _3 and empty ones by position', async () => {
    const path = writeFile('id,id,name,id,name_2,\n1,2,Ada,3,x,y\n')
    const { records } = await runToArray(fromCsv(path))
    expect(records).toEqual([
      { id: '1', id_2: '2', name: 'Ada', id_3: '3', name_2: 'x', column_6: 'y' },
    ])
  })

  it('keeps __proto__ as an ordinary column', async () => {
    const { records } = await runToArray(fromCsv({ text: '__proto__,a\nx,1\n' }))
    const record = records[0] as Record<string, string>
    expect(Object.keys(record)).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype)
    expect(record['a']).toBe('1')
  })

  it('reads 10,000-character fields intact, across chunk boundaries and multi-byte characters', async () => {
    const rows = Array.from({ length: 40 }, (_, index) => [
      String(index),
      `é😀${'x'.repeat(9_000)}"${index}\n,`.padEnd(10_000, 'ü'),
    ])
    const path = writeFile(writeCsv([['id', 'text'], ...rows]))
    const { records, failures } = await runToArray(fromCsv(path))
    expect(failures).toEqual([])
    expect(records).toEqual(rows.map(([id, text]) => ({ id, text })))
  })

  it('keeps line numbers right across many chunks of quoted line breaks', async () => {
    const rows: string[][] = [['id', 'note']]
    let line = 2
    let raggedLine = 0
    for (let index = 0; index < 3_000; index++) {
      const note = index % 7 === 0 ? `line\nbreak ${index}\r\nagain` : `plain ${index} é`
      if (index === 2_500) {
        raggedLine = line
        rows.push([String(index)])
      } else rows.push([String(index), note])
      line += 1 + (note.match(/\n/g)?.length ?? 0) * (index === 2_500 ? 0 : 1)
    }
    const { records, failures } = await runToArray(fromCsv(writeFile(writeCsv(rows, '\n'))))
    expect(records).toHaveLength(2_999)
    expect(where(failures[0])).toEqual({ line: raggedLine, row: 2_501 })
  })

  it('reports a field over maxFieldBytes and reads the rows after it', async () => {
    const path = writeFile(`a,b\n1,${'x'.repeat(500)}\n2,ok\n`)
    const { records, failures } = await runToArray(fromCsv(path, { maxFieldBytes: 100 }))
    expect(records).toEqual([{ a: '2', b: 'ok' }])
    expect(failures[0]?.message).toMatch(
      /line 2: field 2 is larger than maxFieldBytes \(100 bytes\)/,
    )
  })

  it('caps a runaway quoted field and resumes at the line after the one where it opened', async () => {
    const body = Array.from({ length: 200 }, (_, index) => `${index + 2},row ${index + 2}`)
    const path = writeFile(['a,b', '1,"stray quote', ...body].join('\n') + '\n')
    const { records, failures, report } = await runToArray(fromCsv(path, { maxFieldBytes: 1_000 }))
    expect(failures).toHaveLength(1)
    expect(failures[0]?.message).toMatch(
      /line 2: field larger than maxFieldBytes \(1000 bytes\).*resumes at line 3/,
    )
    expect(records).toHaveLength(200)
    expect(records[0]).toEqual({ a: '2', b: 'row 2' })
    expect(report.read).toBe(201)
  })

  it('recovers the rows after a stray quote in a file larger than the default 1 MiB cap', async () => {
    const body = Array.from(
      { length: 40_000 },
      (_, index) => `${index},row ${index} with some text`,
    )
    body[2] = '2,"stray'
    const path = writeFile(`a,b\n${body.join('\n')}\n`)
    const { records, failures, report } = await runToArray(fromCsv(path))
    expect(failures).toHaveLength(1)
    expect(where(failures[0])).toEqual({ line: 4, row: 3 })
    expect(failures[0]?.raw?.length).toBeLessThanOrEqual(1_001)
    expect(records).toHaveLength(39_999)
    expect(records[2]).toEqual({ a: '3', b: 'row 3 with some text' })
    expect(report.read).toBe(40_000)
  })

  it('reports invalid UTF-8 with its line by default, and reads it as U+FFFD with strictEncoding: false', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name\n1,Ada\n2,'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('\n3,"multi\nline"\n4,Zoë'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('\n5,ok\n'),
    ])
    const path = writeFile(bytes)
    const lenient = await runToArray(fromCsv(path, { strictEncoding: false }))
    expect(lenient.failures).toEqual([])
    expect(lenient.records.map((record) => record['name'])).toEqual([
      'Ada',
      '\uFFFD(\uFFFD',
      'multi\nline',
      'Zoë\uFFFD',
      'ok',
    ])
    const strict = await runToArray(fromCsv(path))
    expect(strict.records.map((record) => record['id'])).toEqual(['1', '3', '5'])
    expect(strict.failures.map(where)).toEqual([
      { line: 3, row: 2 },
      { line: 6, row: 4 },
    ])
    expect(strict.failures[0]?.message).toMatch(/invalid UTF-8 byte sequence/)
    expect(strict.failures[0]?.raw).toBe('2,\uFFFD(\uFFFD')
  })

  it('finds invalid UTF-8 lines in a file of many chunks', async () => {
    const lines = ['id,name']
    for (let index = 1; index <= 5_000; index++) lines.push(`${index},name ${index} ü`)
    const text = lines.join('\n') + '\n'
    const bad = Buffer.from(text)
    const at = bad.indexOf('4321,name')
    bad[at + 5] = 0xff
    const { records, failures } = await runToArray(
      fromCsv(writeFile(bad), { strictEncoding: true }),
    )
    expect(records).toHaveLength(4_999)
    expect(where(failures[0])).toEqual({ line: 4_322, row: 4_321 })
  })

  it('guesses a semicolon or tab delimiter with delimiter: auto', async () => {
    for (const delimiter of [';', '\t']) {
      const text = ['a', 'b', 'c'].join(delimiter) + '\n' + ['1', '2,5', '3'].join(delimiter) + '\n'
      const { records } = await runToArray(fromCsv({ text }, { delimiter: 'auto' }))
      expect(records).toEqual([{ a: '1', b: '2,5', c: '3' }])
    }
  })

  it('gives arrays with header: false, and checks their width against the first row', async () => {
    const flow = fromCsv({ text: 'a,b\n1,2\n3\n' }, { header: false })
    expectTypeOf(flow).toEqualTypeOf<Flow<string[]>>()
    const { records, failures } = await runToArray(flow)
    expect(records).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(where(failures[0])).toEqual({ line: 3, row: 3 })
  })

  it('names fields with columns, with or without a header row', async () => {
    const renamed = await runToArray(fromCsv({ text: 'x,y\n1,2\n' }, { columns: ['a', 'b'] }))
    expect(renamed.records).toEqual([{ a: '1', b: '2' }])
    const headlessFlow = fromCsv({ text: '1,2\n3,4\n' }, { header: false, columns: ['a', 'b'] })
    expectTypeOf(headlessFlow).toEqualTypeOf<Flow<Record<string, string>>>()
    const headless = await runToArray(headlessFlow)
    expect(headless.records).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ])
    const mapped = await runToArray(
      fromCsv(
        { text: 'First Name\nAda\n' },
        { columns: (names) => names.map((n) => n.toLowerCase()) },
      ),
    )
    expect(mapped.records).toEqual([{ 'first name': 'Ada' }])
  })

  it('types numbers, booleans, dates and empty fields with typed, conservatively', async () => {
    const text =
      'n,big,code,flag,day,at,empty,bad_day,word\n' +
      '-1.5e3,9007199254740993,007,TRUE,2024-02-29,2024-05-01T10:00:00Z,,2023-02-29,x\n'
    const flow = fromCsv({ text }, { typed: true })
    expectTypeOf(flow).toEqualTypeOf<Flow<Record<string, CsvValue>>>()
    const { records } = await runToArray(flow)
    expect(records).toEqual([
      {
        n: -1500,
        big: '9007199254740993',
        code: '007',
        flag: true,
        day: new Date('2024-02-29T00:00:00Z'),
        at: new Date('2024-05-01T10:00:00Z'),
        empty: null,
        bad_day: '2023-02-29',
        word: 'x',
      },
    ])
    const some = await runToArray(fromCsv({ text: 'a,b\n1,\n' }, { typed: { nulls: false } }))
    expect(some.records).toEqual([{ a: 1, b: '' }])
    const arrays = fromCsv({ text: '1,true\n' }, { header: false, typed: true })
    expectTypeOf(arrays).toEqualTypeOf<Flow<CsvValue[]>>()
    expect((await runToArray(arrays)).records).toEqual([[1, true]])
  })

  it('trims fields, skips comment lines, and keeps empty lines when asked', async () => {
    const trimmed = await runToArray(
      fromCsv(
        { text: ' a , b \n# a comment, with "quotes\n 1 , 2 \n' },
        { trim: true, comments: '#' },
      ),
    )
    expect(trimmed.records).toEqual([{ a: '1', b: '2' }])
    const kept = await runToArray(fromCsv({ text: 'a\n1\n\n2\n' }, { skipEmptyLines: false }))
    expect(kept.records).toEqual([{ a: '1' }, { a: '' }, { a: '2' }])
    const greedy = await runToArray(
      fromCsv({ text: 'a,b\n1,2\n , \n' }, { skipEmptyLines: 'greedy' }),
    )
    expect(greedy.records).toEqual([{ a: '1', b: '2' }])
  })

  it('reads gzip input by extension and gzip streams by their first bytes', async () => {
    const text = 'id,name\n1,Ada\n2,Grace\n'
    const path = writeFile(gzipSync(text), 'people.csv.gz')
    expect((await runToArray(fromCsv(path))).records).toEqual([
      { id: '1', name: 'Ada' },
      { id: '2', name: 'Grace' },
    ])
    const stream = Readable.from([gzipSync(text)])
    expect((await runToArray(fromCsv(stream))).records).toHaveLength(2)
  })

  it('reads { text } and a Readable of bytes split anywhere', async () => {
    const text = 'id,name\n1,"Zoë\nZ"\n2,😀\n'
    expect((await runToArray(fromCsv({ text }))).records).toEqual([
      { id: '1', name: 'Zoë\nZ' },
      { id: '2', name: '😀' },
    ])
    const bytes = Buffer.from(text)
    const pieces = Array.from(bytes, (byte) => Buffer.from([byte]))
    const result = await runToArray(fromCsv(Readable.from(pieces), { name: 'bytes' }))
    expect(result.records).toEqual([
      { id: '1', name: 'Zoë\nZ' },
      { id: '2', name: '😀' },
    ])
  })

  it('reads a Readable of strings, and refuses to read a stream twice', async () => {
    const stream = Readable.from(['id,name\n1,', 'Ada\n'])
    const flow = fromCsv(stream)
    expect((await runToArray(flow)).records).toEqual([{ id: '1', name: 'Ada' }])
    const again = await runToArray(flow)
    expect(again.error?.message).toMatch(
      /fromCsv stream: cannot read the stream: it was already read/,
    )
  })

  it('reads latin-1 and other encodings by name', async () => {
    const path = writeFile(Buffer.from('name\nZo\xEB\n', 'latin1'))
    const { records } = await runToArray(fromCsv(path, { encoding: 'windows-1252' }))
    expect(records).toEqual([{ name: 'Zoë' }])
  })

  it('rejects the run at once, naming the path, when the file is missing', async () => {
    const path = join(directory, 'missing.csv')
    const { error, report } = await runToArray(fromCsv(path))
    expect(error?.message).toContain(path)
    expect(error?.message).toMatch(/no such file/)
    expect(report.status).toBe('failed')
  })

  it('fails the run naming the path when gzip data is corrupt, and closes the file', async () => {
    const rows = Array.from({ length: 20_000 }, (_, index) => `${index},${index * 7}`)
    const zipped = gzipSync(`a,b\n${rows.join('\n')}\n`)
    const path = writeFile(zipped.subarray(0, zipped.length >> 1), 'cut.csv.gz')
    const { error, report } = await runToArray(fromCsv(path))
    expect(error?.message).toContain(path)
    expect(report.read).toBeGreaterThan(0)
    expect(await eventually(() => descriptorsOf(path) === 0)).toBe(true)
  })

  it('closes the file when it completes and when it is unsubscribed early', async () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => `${index},value ${index}`)
    const path = writeFile(`a,b\n${rows.join('\n')}\n`)
    await runToArray(fromCsv(path))
    expect(descriptorsOf(path)).toBe(0)

    let openWhileReading = -1
    await new Promise<void>((resolve) => {
      let stop = false
      const subscription = fromCsv(path).subscribe({
        next: () => {
          if (stop) return
          stop = true
          openWhileReading = descriptorsOf(path)
          queueMicrotask(() => {
            subscription.unsubscribe()
            resolve()
          })
        },
      })
    })
    expect(openWhileReading).toBe(1)
    expect(await eventually(() => descriptorsOf(path) === 0)).toBe(true)
  })

  it('stops reading at the first parse error of a fail-fast run, and closes the file', async () => {
    const rows = Array.from({ length: 30_000 }, (_, index) =>
      index === 10 ? 'ragged' : `${index},value ${index}`,
    )
    const path = writeFile(`a,b\n${rows.join('\n')}\n`)
    const { error, report } = await runToArray(pipe(fromCsv(path), failFast()))
    expect(error?.message).toBe(
      'fromCsv ' + basename(path) + ' line 12: too few fields: expected 2, found 1',
    )
    expect(report.status).toBe('failed')
    expect(report.read).toBeLessThan(30_000)
    expect(report.read).toBe(report.written + report.failed + report.dropped)
    expect(await eventually(() => descriptorsOf(path) === 0)).toBe(true)
  })

  it('wakes a pending stream read and destroys the stream when unsubscribed', async () => {
    const stream = new PassThrough()
    stream.write('a,b\n1,2\n')
    const first = await new Promise<unknown>((resolve) => {
      const subscription = fromCsv(stream).subscribe({
        next: (value) => {
          resolve(value)
          queueMicrotask(() => subscription.unsubscribe())
        },
      })
    })
    expect(first).toMatchObject({ _tag: 'Right', right: { a: '1', b: '2' } })
    expect(await eventually(() => stream.destroyed)).toBe(true)
  })

  it('reads everything under a tiny budget, and the report adds up', async () => {
    const rows = Array.from({ length: 2_000 }, (_, index) =>
      index % 100 === 0 ? `${index}` : `${index},x`,
    )
    const { records, failures, report } = await runToArray(
      fromCsv(writeFile(`a,b\n${rows.join('\n')}\n`)),
      { highWaterMark: 3 },
    )
    expect(records).toHaveLength(1_980)
    expect(failures).toHaveLength(20)
    expect(report.read).toBe(records.length + failures.length)
    expect(report.read).toBe(report.written + report.failed + report.dropped)
    expect(report.maxInFlight).toBeLessThanOrEqual(3)
  })

  it('reads a line holding only a quoted empty string as a record, and skips only truly empty lines', async () => {
    const text = 'a\r\n""\r\n\r\nx\r\n""'
    const { records, failures, report } = await runToArray(fromCsv({ text }))
    expect(records).toEqual([{ a: '' }, { a: 'x' }, { a: '' }])
    expect(failures).toEqual([])
    expect(report.read).toBe(3)
    expect(csvStage(report)?.details).toEqual({ blankLines: 1, commentLines: 0 })

    const greedy = await runToArray(
      fromCsv({ text: 'a\n""\n   \n" "\n\t\n' }, { skipEmptyLines: 'greedy' }),
    )
    expect(greedy.records).toEqual([{ a: '' }, { a: ' ' }])
    expect(csvStage(greedy.report)?.details).toEqual({ blankLines: 2, commentLines: 0 })

    const kept = await runToArray(fromCsv({ text: 'a\n""\n\n' }, { skipEmptyLines: false }))
    expect(kept.records).toEqual([{ a: '' }, { a: '' }])
  })

  it('reads quoted blank fields as data, trimmed or not, and skips only unquoted blank lines when greedy', async () => {
    const text = 'a,b\n"",""\n , \n" "," "\n'
    const trimmed = await runToArray(fromCsv({ text }, { trim: true }))
    expect(trimmed.records).toEqual([
      { a: '', b: '' },
      { a: '', b: '' },
      { a: '', b: '' },
    ])
    const greedy = await runToArray(fromCsv({ text }, { trim: true, skipEmptyLines: 'greedy' }))
    expect(greedy.records).toEqual([
      { a: '', b: '' },
      { a: '', b: '' },
    ])
    expect(csvStage(greedy.report)?.details).toEqual({ blankLines: 1, commentLines: 0 })
    const oneColumn = await runToArray(fromCsv({ text: 'a\n"  "\n  \n' }, { trim: true }))
    expect(oneColumn.records).toEqual([{ a: '' }, { a: '' }])
  })

  it('takes a header of one quoted empty name as written, and reads the rows after it', async () => {
    const { records, failures, report } = await runToArray(fromCsv(writeFile('""\r\nx\r\ny\r\n')))
    expect(records).toEqual([{ column_1: 'x' }, { column_1: 'y' }])
    expect(failures).toEqual([])
    expect(report.read).toBe(2)
  })

  it('takes the first non-empty line as the header, even when empty lines are kept', async () => {
    const { records, report } = await runToArray(
      fromCsv({ text: '\n\n\na\n1\n\n' }, { skipEmptyLines: false }),
    )
    expect(records).toEqual([{ a: '1' }, { a: '' }])
    expect(csvStage(report)?.details).toEqual({ blankLines: 3, commentLines: 0 })
    const headless = await runToArray(
      fromCsv({ text: '\n1\n' }, { header: false, skipEmptyLines: false }),
    )
    expect(headless.records).toEqual([[''], ['1']])
  })

  it('skips comment lines before parsing them, whatever quotes they hold, and counts their lines', async () => {
    const text = [
      '# exported by "tool',
      'a,b',
      '1,2',
      '# note, "unterminated',
      '3,"#not a comment"',
      '4,"multi',
      '# still data"',
      '5',
      '#last',
    ].join('\n')
    const expected = [
      { a: '1', b: '2' },
      { a: '3', b: '#not a comment' },
      { a: '4', b: 'multi\n# still data' },
    ]
    const sources = [
      fromCsv({ text }, { comments: '#' }),
      fromCsv(writeFile(text), { comments: '#' }),
      fromCsv(Readable.from(Array.from(Buffer.from(text), (byte) => Buffer.from([byte]))), {
        comments: '#',
      }),
    ]
    for (const source of sources) {
      const { records, failures, report } = await runToArray(source)
      expect(records).toEqual(expected)
      expect(failures.map(where)).toEqual([{ line: 8, row: 4 }])
      expect(report.read).toBe(4)
      expect(csvStage(report)?.details).toEqual({ blankLines: 0, commentLines: 3 })
    }
  })

  it('refuses comment prefixes that could not be told from data', () => {
    for (const comments of ['', ',', '"#', '#\n'])
      expect(() => fromCsv({ text: 'a\n' }, { comments })).toThrow(
        /fromCsv text: invalid option comments/,
      )
  })

  it('keeps line numbers right after comment lines across many chunks, in every line ending', async () => {
    for (const ending of ['\n', '\r\n', '\r']) {
      const lines = ['// header comment "', 'id,note']
      for (let index = 0; index < 6_000; index++) {
        if (index % 9 === 0) lines.push(`// comment ${index}, "quoted`)
        if (index % 13 === 0) lines.push('')
        lines.push(index === 5_500 ? 'ragged' : `${index},"note ${index}${ending}// data"`)
      }
      const text = lines.join(ending) + ending
      const physical = (upTo: number): number =>
        text.slice(0, upTo).split(ending === '\r' ? '\r' : '\n').length
      const { records, failures, report } = await runToArray(
        fromCsv(writeFile(text), { comments: '//' }),
      )
      expect(records).toHaveLength(5_999)
      expect(records[10]).toEqual({ id: '10', note: `note 10${ending}// data` })
      expect(failures.map(where)).toEqual([
        { line: physical(text.indexOf(`${ending}ragged`) + ending.length), row: 5_501 },
      ])
      expect(report.read).toBe(6_000)
      expect(csvStage(report)?.details).toEqual({
        blankLines: Math.ceil(6_000 / 13),
        commentLines: 1 + Math.ceil(6_000 / 9),
      })
    }
  })

  it('counts lines by the line ending the file uses, inside quoted fields too', async () => {
    const cases: Array<[string, number[]]> = [
      ['a,b\r1,"x\ry"\r2\r3,"p\nq"\r4\r', [4, 6]],
      ['a,b\n1,"x\ry"\n2\n3,"p\r\nq"\n4\n', [3, 6]],
      ['a,b\r\n1,"x\ny"\r\n2\r\n3,"p\rq"\r\n4\r\n', [4, 6]],
      ['a,b\r\n1,"x\r\ny"\r\n\r\n2\r\n3,"\r\n\r\n"\r\n4', [5, 9]],
    ]
    for (const [text, lines] of cases) {
      const { failures, records } = await runToArray(fromCsv(writeFile(text)))
      expect(records).toHaveLength(2)
      expect(failures.map((failure) => failure.location?.line)).toEqual(lines)
    }
  })

  it('keeps line numbers right across many chunks of quoted line breaks in CR-only files', async () => {
    const rows: string[][] = [['id', 'note']]
    let line = 2
    let raggedLine = 0
    for (let index = 0; index < 3_000; index++) {
      const note = index % 7 === 0 ? `line\rbreak ${index}\r\nagain\n` : `plain ${index} é`
      if (index === 2_500) {
        raggedLine = line
        rows.push([String(index)])
        line += 1
      } else {
        rows.push([String(index), note])
        line += 1 + (note.match(/\r/g)?.length ?? 0)
      }
    }
    const { records, failures } = await runToArray(fromCsv(writeFile(writeCsv(rows, '\r'))))
    expect(records).toHaveLength(2_999)
    expect(where(failures[0])).toEqual({ line: raggedLine, row: 2_501 })
  })

  it('accounts for every row of awkward inputs: the report adds up and nothing goes unreported', async () => {
    const long = 'x'.repeat(500)
    const cases: Array<{
      readonly text: string | Buffer
      readonly options?: FromCsvOptions
      readonly records: readonly unknown[]
      readonly failures: ReadonlyArray<{ line: number; row?: number }>
      readonly blankLines?: number
    }> = [
      { text: 'a\n1\n\n', records: [{ a: '1' }], failures: [], blankLines: 1 },
      { text: 'a\n1\n\n\n\n', records: [{ a: '1' }], failures: [], blankLines: 3 },
      { text: 'a\r\n1\r\n\r\n', records: [{ a: '1' }], failures: [], blankLines: 1 },
      { text: 'a\n1\n   \n', records: [{ a: '1' }, { a: '   ' }], failures: [] },
      {
        text: 'a,b\n1,2\n   \n',
        records: [{ a: '1', b: '2' }],
        failures: [{ line: 3, row: 2 }],
      },
      {
        text: 'a\n1\n   \n',
        options: { skipEmptyLines: 'greedy' },
        records: [{ a: '1' }],
        failures: [],
        blankLines: 1,
      },
      { text: 'a\n1', records: [{ a: '1' }], failures: [] },
      { text: Buffer.from('\uFEFF'), records: [], failures: [] },
      { text: Buffer.from('\uFEFF\n'), records: [], failures: [], blankLines: 1 },
      { text: Buffer.from('\uFEFF""'), records: [], failures: [] },
      { text: Buffer.from('\uFEFFa\n""'), records: [{ a: '' }], failures: [] },
      { text: 'a,b\n"open', records: [], failures: [{ line: 2, row: 1 }] },
      { text: 'a,b\n"open\n1,2\n', records: [], failures: [{ line: 2, row: 1 }] },
      { text: '"a,b\n1,2\n', records: [], failures: [{ line: 1 }] },
      {
        text: `a,b\n1,2\n3,${long}`,
        options: { maxFieldBytes: 100 },
        records: [{ a: '1', b: '2' }],
        failures: [{ line: 3, row: 2 }],
      },
      {
        text: `a,b\n1,2\n3,"${long}`,
        options: { maxFieldBytes: 100 },
        records: [{ a: '1', b: '2' }],
        failures: [{ line: 3, row: 2 }],
      },
      {
        text: `a,b\n1,2\n3,"${long}\n4,5\n6,"${long}"`,
        options: { maxFieldBytes: 100 },
        records: [
          { a: '1', b: '2' },
          { a: '4', b: '5' },
        ],
        failures: [
          { line: 3, row: 2 },
          { line: 5, row: 4 },
        ],
      },
      {
        text: '1,2,3\n4,5\n6,7\n',
        options: { header: false },
        records: [['1', '2', '3']],
        failures: [
          { line: 2, row: 2 },
          { line: 3, row: 3 },
        ],
      },
      {
        text: 'x,y\n1,2\n3,4,5\n',
        options: { columns: ['a', 'b', 'c'] },
        records: [{ a: '3', b: '4', c: '5' }],
        failures: [{ line: 2, row: 1 }],
      },
      {
        text: '1,2\n3\n',
        options: { header: false, columns: ['a'] },
        records: [{ a: '3' }],
        failures: [{ line: 1, row: 1 }],
      },
      {
        text: 'a,b\n" "," "\n',
        options: { trim: true, skipEmptyLines: 'greedy' },
        records: [{ a: '', b: '' }],
        failures: [],
      },
      {
        text: 'id,id,\n1,2,3\n',
        records: [{ id: '1', id_2: '2', column_3: '3' }],
        failures: [],
      },
      {
        text: '\n\n""\n\n\n',
        records: [],
        failures: [],
        blankLines: 4,
      },
    ]
    for (const { text, options, records, failures, blankLines } of cases) {
      const result = await runToArray(fromCsv(writeFile(text), options ?? {}))
      const label = JSON.stringify({ text: String(text), options })
      expect(result.records, label).toEqual(records)
      expect(result.failures.map(where), label).toEqual(
        failures.map(({ line, row }) => ({ line, row })),
      )
      expect(result.report.read, label).toBe(records.length + failures.length)
      expect(result.report.read, label).toBe(
        result.report.written + result.report.failed + result.report.dropped,
      )
      expect(result.report.dropped, label).toBe(0)
      expect(csvStage(result.report)?.details, label).toEqual({
        blankLines: blankLines ?? 0,
        commentLines: 0,
      })
    }
  })

  it('accounts for every line of any file mixing rows, empty lines and comment lines', async () => {
    const field = fc.string({
      unit: fc.constantFrom('a', ',', '"', '\n', '\r', '\r\n', ' ', '#', 'é'),
      maxLength: 6,
    })
    const line = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(field, field).map((row) => ({ row })) },
      { weight: 1, arbitrary: fc.constant({ empty: true }) },
      {
        weight: 1,
        arbitrary: fc
          .string({ unit: fc.constantFrom('a', ',', '"', ' ', '#'), maxLength: 8 })
          .map((text) => ({ comment: `#${text}` })),
      },
    )
    const file = fc.tuple(
      fc.array(line, { maxLength: 4 }),
      fc.array(line, { maxLength: 40 }),
      fc.nat(),
      fc.constantFrom('\r\n', '\n', '\r'),
    )
    // Quotes a field as a writer that knows the comment prefix would.
    const write = (value: string): string =>
      /[",\r\n]/.test(value) || value === '' || value.startsWith('#')
        ? `"${value.replaceAll('"', '""')}"`
        : value
    await fc.assert(
      fc.asyncProperty(file, async ([before, after, raggedAt, ending]) => {
        const lines = [...before.filter((item) => !('row' in item)), { header: true }, ...after]
        const ragged = after.length === 0 ? -1 : before.length + 1 + (raggedAt % after.length)
        const texts = lines.map((item, index) => {
          if (index === ragged && 'row' in item) return 'ragged'
          if ('header' in item) return 'x,y'
          if ('comment' in item) return item.comment
          if ('row' in item) return item.row.map(write).join(',')
          return ''
        })
        const text = texts.join(ending) + ending
        const breakChar = ending === '\r' ? '\r' : '\n'
        const lineOf = (index: number): number =>
          1 + texts.slice(0, index).join(ending).split(breakChar).length - (index === 0 ? 1 : 0)
        const expected = lines.flatMap((item, index) =>
          'row' in item && index !== ragged ? [{ x: item.row[0], y: item.row[1] }] : [],
        )
        const { records, failures, report } = await runToArray(
          fromCsv(writeFile(text), { comments: '#' }),
        )
        expect(records).toEqual(expected)
        const raggedRows = ragged !== -1 && 'row' in (lines[ragged] ?? {}) ? [ragged] : []
        expect(failures.map((failure) => failure.location?.line)).toEqual(raggedRows.map(lineOf))
        expect(report.read).toBe(expected.length + raggedRows.length)
        expect(csvStage(report)?.details).toEqual({
          blankLines: lines.filter((item) => 'empty' in item).length,
          commentLines: lines.filter((item) => 'comment' in item).length,
        })
      }),
      { numRuns: 150 },
    )
  })

  it('takes \n, \r\n and a lone \r row by row in one file, never leaving a stray \r in a value', async () => {
    const mixed = await runToArray(fromCsv(writeFile('id,amount\n1,10\n2,20\r\n3,30\r\n')))
    expect(mixed.records).toEqual([
      { id: '1', amount: '10' },
      { id: '2', amount: '20' },
      { id: '3', amount: '30' },
    ])
    expect(mixed.failures).toEqual([])
    // A CRLF file with LF rows appended (files concatenated from two systems), and CR rows too.
    const text = 'a,b\r\n1,2\r\n3,4\n5,6\n7,8\r9,10\r\n11,12'
    for (const pieces of [[text], chunksOf(text, 1), chunksOf(text, 7)]) {
      const { records, failures, report } = await runToArray(
        fromCsv(Readable.from(pieces.map((piece) => Buffer.from(piece))), { name: 'bytes' }),
      )
      expect(records).toEqual([
        { a: '1', b: '2' },
        { a: '3', b: '4' },
        { a: '5', b: '6' },
        { a: '7', b: '8' },
        { a: '9', b: '10' },
        { a: '11', b: '12' },
      ])
      expect(failures).toEqual([])
      expect(report.read).toBe(6)
    }
    const ragged = await runToArray(fromCsv({ text: 'a,b\n1,2\r\n3\r4,5\n6\n' }))
    expect(ragged.failures.map(where)).toEqual([
      { line: 3, row: 2 },
      { line: 5, row: 4 },
    ])
  })

  it('decides nothing from an incomplete first read: quoted line breaks and quotes in the header, any line ending, any read size', async () => {
    const rows = [
      ['id', 'note\nmore', 'x"y'],
      ['1', 'a', 'b'],
      ['2', 'multi\nline', 'c'],
      ['3', 'd', 'e'],
    ]
    const write = (value: string): string =>
      /[\r\n,]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
    for (const ending of ['\n', '\r\n', '\r']) {
      const text = rows.map((row) => row.map(write).join(',')).join(ending) + ending
      for (const size of [1, 7, 64 * 1024]) {
        const stream = Readable.from(chunksOf(text, size).map((piece) => Buffer.from(piece)))
        const { records, failures, report } = await runToArray(fromCsv(stream))
        const label = JSON.stringify({ ending, size })
        expect(failures, label).toEqual([])
        expect(records, label).toEqual([
          { id: '1', 'note\nmore': 'a', 'x"y': 'b' },
          { id: '2', 'note\nmore': 'multi\nline', 'x"y': 'c' },
          { id: '3', 'note\nmore': 'd', 'x"y': 'e' },
        ])
        expect(report.read, label).toBe(3)
      }
    }
  })

  it('reports a row holding bytes that are not UTF-8 by default, and says which encoding to pass', async () => {
    const latin1 = Buffer.from('name,amount\nM\xFCller,10\nM\xE4ller,20\nZo\xEB,5\n', 'latin1')
    const path = writeFile(latin1, 'crm-export.csv')
    const strict = await runToArray(fromCsv(path))
    expect(strict.records).toEqual([])
    expect(strict.failures.map(where)).toEqual([
      { line: 2, row: 1 },
      { line: 3, row: 2 },
      { line: 4, row: 3 },
    ])
    expect(strict.failures[0]?.message).toMatch(
      /^fromCsv crm-export\.csv line 2: invalid UTF-8 byte sequence: .*encoding: 'windows-1252' or 'latin1'/,
    )
    const decoded = await runToArray(fromCsv(path, { encoding: 'windows-1252' }))
    expect(decoded.records.map((record) => record['name'])).toEqual(['Müller', 'Mäller', 'Zoë'])
    const pieces = Array.from(latin1, (byte) => Buffer.from([byte]))
    const streamed = await runToArray(fromCsv(Readable.from(pieces), { name: 'bytes' }))
    expect(streamed.failures.map(where)).toEqual(strict.failures.map(where))
    // A U+FFFD written in the file is valid UTF-8, and data.
    const written = await runToArray(fromCsv({ text: 'a\n\uFFFD\n' }))
    expect(written.records).toEqual([{ a: '\uFFFD' }])
  })

  it('reads a long row in time linear in its length, and reports a row over maxRowBytes naming its line', async () => {
    const width = 200_000
    const long = ','.repeat(width - 1)
    const path = writeFile(`${long}\n${long}\n`, 'wide.csv')
    const { records, failures } = await runToArray(fromCsv(path, { header: false }))
    expect(failures).toEqual([])
    expect(records.map((record) => record.length)).toEqual([width, width])
    const capped = writeFile(
      `a,b\n1,${'x,'.repeat(100_000)}\n2,ok\n3,"q\n${'y'.repeat(300)}\nz"\n4,fine\n`,
      'capped.csv',
    )
    const result = await runToArray(fromCsv(capped, { maxRowBytes: 100_000 }))
    expect(result.failures[0]?.message).toMatch(
      /^fromCsv capped\.csv line 2: row larger than maxRowBytes \(100000 bytes\)/,
    )
    expect(result.records).toEqual([
      { a: '2', b: 'ok' },
      { a: '3', b: `q\n${'y'.repeat(300)}\nz` },
      { a: '4', b: 'fine' },
    ])
    const small = await runToArray(fromCsv(capped, { maxRowBytes: 200 }))
    expect(small.failures.map(where).slice(0, 2)).toEqual([
      { line: 2, row: 1 },
      { line: 4, row: 3 },
    ])
    expect(small.failures[1]?.message).toMatch(/row larger than maxRowBytes \(200 bytes\)/)
    expect(small.records[0]).toEqual({ a: '2', b: 'ok' })
    expect(small.records.at(-1)).toEqual({ a: '4', b: 'fine' })
  })

  it('gives the first and last line of a malformed quoted field that swallowed many lines', async () => {
    const body = Array.from({ length: 600 }, (_, index) => `${index + 2},row ${index + 2}`)
    body[3] = '5,"oops'
    body[502] = '504,"later" on'
    body[503] = '505,"fine"'
    const path = writeFile(`a,b\n${body.join('\n')}\n`, 'stray.csv')
    const { records, failures, report } = await runToArray(fromCsv(path))
    expect(failures).toHaveLength(1)
    expect(failures[0]?.message).toBe(
      'fromCsv stray.csv line 5: malformed quoted field: a quote inside a quoted field must be doubled; ' +
        'the field runs from line 5 to line 505, 501 lines (a stray quote, perhaps)',
    )
    expect(failures[0]?.location).toEqual({ file: path, line: 5, row: 4 })
    expect(failures[0]?.details).toEqual({ endLine: 505, lines: 501 })
    expect(records).toHaveLength(600 - 501)
    expect(records[3]).toEqual({ a: '506', b: 'row 506' })
    expect(report.read).toBe(records.length + 1)
  })

  it('reads back any rows an RFC 4180 writer wrote', async () => {
    const field = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({
        unit: fc.constantFrom('a', ',', '"', '\n', '\r', '\r\n', ' ', 'é', '😀', ';', '\t', '#'),
      }),
    )
    const table = fc.integer({ min: 2, max: 4 }).chain((width) =>
      fc.tuple(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), {
          minLength: width,
          maxLength: width,
        }),
        fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 30 }),
        fc.constantFrom('\r\n', '\n'),
      ),
    )
    await fc.assert(
      fc.asyncProperty(table, async ([header, rows, ending]) => {
        const path = writeFile(writeCsv([header, ...rows], ending))
        const { records, failures } = await runToArray(fromCsv(path))
        expect(failures).toEqual([])
        const expected = rows.map((row) =>
          Object.fromEntries(header.map((name, index) => [name, row[index]])),
        )
        expect(records).toEqual(expected)
      }),
      { numRuns: 60 },
    )
  })
})

describe('fromCsv with the state run option', () => {
  const stateOf = (name: string): { store: ReturnType<typeof fileStateStore>; key: string } => ({
    store: fileStateStore(join(directory, `${name}.state.json`)),
    key: 'import',
  })

  it('reads only the rows appended since the last committed run, with their lines and rows', async () => {
    const path = writeFile('id;name\r\n1;Ada\r\n2;Grace\r\n')
    const state = stateOf('append')
    const read = async (): Promise<RunReport & { records: unknown[] }> =>
      pipe(fromCsv(path, { name: 'people', delimiter: 'auto', typed: true }), toArray({ state }))
    const first = await read()
    expect(first.records).toEqual([
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Grace' },
    ])
    appendFileSync(path, '3;Linus\r\n4\r\n')
    const second = await read()
    expect(second.records).toEqual([{ id: 3, name: 'Linus' }])
    expect(second.failures[0]?.location).toEqual({ file: path, line: 5, row: 4 })
    const third = await read()
    expect(third.read).toBe(0)
    expect(await state.store.get('import')).toMatchObject({
      positions: { people: { file: { offset: 37, line: 6, row: 4, columns: ['id', 'name'] } } },
    })
  })

  it('keeps the width of array records across runs', async () => {
    const path = writeFile('a,b\n')
    const state = stateOf('arrays')
    await pipe(fromCsv(path, { header: false }), toArray({ state }))
    appendFileSync(path, 'c,d\ne\n')
    const second = await pipe(fromCsv(path, { header: false }), toArray({ state }))
    expect(second.records).toEqual([['c', 'd']])
    expect(second.failed).toBe(1)
  })

  it('fails naming the file when it became shorter than the saved position', async () => {
    const path = writeFile('id\n1\n2\n')
    const state = stateOf('truncated')
    await pipe(fromCsv(path), toArray({ state }))
    writeFileSync(path, 'id\n')
    await expect(pipe(fromCsv(path), toArray({ state }))).rejects.toThrow(
      `${path} holds 3 bytes, fewer than the 7 bytes the saved state says were read`,
    )
  })

  it('saves no position for gzip data, which is read whole every time', async () => {
    const path = writeFile(gzipSync('id\n1\n'), `gz-${++fileCount}.csv.gz`)
    const state = stateOf('gzip')
    await pipe(fromCsv(path), toArray({ state }))
    const second = await pipe(fromCsv(path), toArray({ state }))
    expect(second.records).toEqual([{ id: '1' }])
  })
})
