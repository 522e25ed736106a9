import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import Papa from 'papaparse'
import { afterAll, describe, expect, it } from 'vitest'
import { fromCsv, fromJson, pipe, toArray } from '../../../src/index.js'
import { splitFile } from '../../../src/integrations/distributed/index.js'
import type { RangeTask } from '../../../src/integrations/distributed/index.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-splitFile-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
let fileCount = 0
const write = (text: string, extension = 'csv'): string => {
  const path = join(directory, `f${fileCount++}.${extension}`)
  writeFileSync(path, text)
  return path
}

async function readAll(path: string): Promise<unknown[]> {
  const { records, failures } = await pipe(fromCsv(path, { header: true }), toArray())
  return [...records, ...failures.map((failure) => failure.raw)]
}

async function readRanges(tasks: readonly RangeTask[]): Promise<unknown[]> {
  const all: unknown[] = []
  const failures: unknown[] = []
  for (const task of tasks) {
    const report = await pipe(fromCsv(task.path, { header: true, range: task }), toArray())
    all.push(...report.records)
    failures.push(...report.failures.map((failure) => failure.raw))
  }
  return [...all, ...failures]
}

const field = fc.oneof(
  fc.stringMatching(/^[a-z ,"\r\n]{0,8}$/).map((text) => `"${text.replace(/"/g, '""')}"`),
  fc.stringMatching(/^[a-z ]{0,6}$/),
)
const csvFile = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.array(fc.array(field, { minLength: 4, maxLength: 4 }), { maxLength: 30 }),
    fc.boolean(),
  )
  .map(([width, eol, rows, bom]) => {
    const header = Array.from({ length: width }, (_, index) => `c${index}`).join(',')
    const body = rows.map((row) => row.slice(0, width).join(',')).join(eol)
    return `${bom ? '\uFEFF' : ''}${header}${eol}${body}${rows.length > 0 ? eol : ''}`
  })

describe('splitFile', () => {
  it('gives ranges whose records, read in order, are the whole file’s (property, vs fromCsv and papaparse)', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, fc.integer({ min: 1, max: 7 }), async (text, parts) => {
        const path = write(text)
        const tasks = await splitFile(path, { parts })
        expect(tasks.length).toBeGreaterThanOrEqual(1)
        expect(tasks.length).toBeLessThanOrEqual(parts)
        expect(tasks[0]?.start).toBe(0)
        expect(tasks.at(-1)?.end).toBe(Buffer.byteLength(text))
        for (let index = 1; index < tasks.length; index++)
          expect(tasks[index]?.start).toBe(tasks[index - 1]?.end)
        expect(await readRanges(tasks)).toEqual(await readAll(path))
        // Papaparse, an independent parser, agrees: cutting at each range start splits no record.
        const body = Buffer.from(text.replace(/^\uFEFF/, ''))
        const shift = Buffer.byteLength(text) - body.length
        const rows = (bytes: Buffer): string[][] =>
          Papa.parse<string[]>(bytes.toString()).data.filter((row) => row.join('') !== '')
        const pieces = tasks.map((task) =>
          rows(body.subarray(Math.max(0, task.start - shift), task.end - shift)),
        )
        expect(pieces.flat()).toEqual(rows(body))
      }),
      { numRuns: 150 },
    )
  })

  it('never starts a range inside a quoted field holding line breaks', async () => {
    const rows = Array.from(
      { length: 400 },
      (_, index) => `${index},"line one\nline two, ${index}\n"`,
    )
    const path = write(`id,note\n${rows.join('\n')}\n`)
    const tasks = await splitFile(path, { parts: 5 })
    expect(tasks).toHaveLength(5)
    expect(await readRanges(tasks)).toEqual(await readAll(path))
  })

  it('skips comment lines whose quotes mean nothing', async () => {
    const rows = Array.from({ length: 50 }, (_, index) => `${index},"a\nb"\n# a "comment\n`)
    const path = write(`id,note\n${rows.join('')}`)
    const tasks = await splitFile(path, { parts: 4, comments: '#' })
    const read = async (ranges: readonly RangeTask[]): Promise<unknown[]> => {
      const out: unknown[] = []
      for (const task of ranges)
        out.push(
          ...(await pipe(fromCsv(task.path, { comments: '#', range: task }), toArray())).records,
        )
      return out
    }
    expect(tasks.length).toBe(4)
    expect(await read(tasks)).toHaveLength(50)
    expect(await read(tasks)).toEqual(
      (await pipe(fromCsv(path, { comments: '#' }), toArray())).records,
    )
  })

  it('splits NDJSON on line boundaries, read with fromJson range', async () => {
    const lines = Array.from({ length: 300 }, (_, index) =>
      JSON.stringify({ id: index, text: 'x'.repeat(index % 17) }),
    )
    const path = write(`${lines.join('\n')}\n`, 'ndjson')
    const tasks = await splitFile(path, { parts: 3 })
    expect(tasks.map((task) => task.format)).toEqual(['ndjson', 'ndjson', 'ndjson'])
    const ids: unknown[] = []
    for (const task of tasks)
      ids.push(...(await pipe(fromJson(task.path, { range: task }), toArray())).records)
    expect(ids).toEqual(lines.map((line) => JSON.parse(line)))
  })

  it('gives one range for a file with fewer records than parts', async () => {
    const path = write('id\n1\n')
    expect(await splitFile(path, { parts: 4 })).toEqual([
      { kind: 'range', id: 'task-0000', path, format: 'csv', start: 0, end: 5 },
    ])
  })

  it('rejects bad parts, gzip files and missing files with their names', async () => {
    await expect(splitFile('x.csv', { parts: 0 })).rejects.toThrow('splitFile x.csv: parts')
    await expect(splitFile('x.csv.gz', { parts: 2 })).rejects.toThrow('gzip')
    await expect(splitFile(join(directory, 'missing.csv'), { parts: 2 })).rejects.toThrow(
      'missing.csv',
    )
  })

  it('rejects a range of fromCsv that starts inside the header row', async () => {
    const path = write('id,name\n1,a\n')
    await expect(pipe(fromCsv(path, { range: { start: 3, end: 12 } }), toArray())).rejects.toThrow(
      'starts inside its header row',
    )
  })
})
