import fc from 'fast-check'
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Failure } from '../../../src/core/Failure.js'
import {
  openCsvReader,
  type CsvFilePosition,
  type CsvReaderSettings,
} from '../../../src/internal/csv/csvReader.js'
import { SourceReadError } from '../../../src/internal/input/SourceReadError.js'
import type { SourceInput } from '../../../src/internal/input/SourceInput.js'
import type { SourceBatch } from '../../../src/internal/pullSource.js'
import { withRun } from '../../../src/internal/run/currentRun.js'
import { RunContext } from '../../../src/internal/run/RunContext.js'
import type { RunState } from '../../../src/internal/runState.js'

const base: CsvReaderSettings = {
  stage: 'csv',
  file: undefined,
  header: true,
  columns: undefined,
  trim: false,
  skipEmptyLines: true,
  comments: false,
  typing: undefined,
  encoding: 'utf-8',
  strictEncoding: true,
  rows: {
    delimiter: ',',
    quoteChar: '"',
    escapeChar: '"',
    comments: false,
    maxFieldBytes: 1 << 20,
    maxRowBytes: 1 << 24,
  },
}

const settingsWith = (overrides: Partial<CsvReaderSettings>): CsvReaderSettings => ({
  ...base,
  ...overrides,
})

/** Every batch the reader gives, to its end. */
async function batches(
  input: SourceInput,
  settings: CsvReaderSettings = base,
): Promise<Array<SourceBatch<unknown>>> {
  const reader = await openCsvReader<unknown>(input, settings, new AbortController().signal)
  const found: Array<SourceBatch<unknown>> = []
  for (;;) {
    const step = await reader.next()
    if (step.done === true) return found
    found.push(step.value)
  }
}

/** What the items of all batches say: records, and failures with their reason and location. */
function outcomes(read: ReadonlyArray<SourceBatch<unknown>>): unknown[] {
  return read.flatMap((batch) =>
    batch.items.map((item: Either<Failure, unknown>, index) =>
      isRight(item)
        ? { record: item.right, at: batch.locate?.(index) }
        : { failure: item.left.message, at: item.left.location, raw: item.left.raw },
    ),
  )
}

const chunked = (pieces: ReadonlyArray<string | Buffer>): Readable =>
  Readable.from(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)))

let directory: string
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'csv-reader-'))
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe('openCsvReader', () => {
  it('gives a batch per chunk that completes rows, then a last batch for the end', async () => {
    const read = await batches(chunked(['id,name\n1,A', 'da\n2,', 'Grace\n', '3,Linus']))
    expect(read.map((batch) => batch.items.length)).toEqual([1, 1, 1])
    // A batch carries the bytes of the chunk that completed it (the header's chunk adds to none).
    expect(read.map((batch) => batch.bytes)).toEqual([5, 6, 0])
    expect(outcomes(read)).toEqual([
      { record: { id: '1', name: 'Ada' }, at: { line: 2, row: 1 } },
      { record: { id: '2', name: 'Grace' }, at: { line: 3, row: 2 } },
      { record: { id: '3', name: 'Linus' }, at: { line: 4, row: 3 } },
    ])
  })

  it('gives one empty last batch for empty input and for a header alone', async () => {
    for (const [text, blankLines] of [
      ['', 0],
      ['id,name\n', 0],
      ['\n\n', 2],
    ] as const) {
      const read = await batches({ text })
      expect(read).toHaveLength(1)
      expect(read[0]?.items).toEqual([])
      expect(read[0]?.details).toEqual({ blankLines, commentLines: 0 })
    }
  })

  it('reads the same records and failures wherever the bytes are split', async () => {
    const text =
      'id,note\n1,"héllo, 😀"\n2,"two\nlines"\n3\n\n4,x,extra\n5,"ok"\r\n6,"open\n7,end\n'
    const whole = outcomes(await batches({ text }))
    expect(whole).toHaveLength(6)
    const bytes = Buffer.from(text)
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 10 }),
        async (cuts) => {
          const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length]
          const pieces = points.slice(1).map((end, index) => bytes.subarray(points[index], end))
          expect(outcomes(await batches(chunked(pieces)))).toEqual(whole)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('fails ragged rows with the expected and found widths, the raw row and its place', async () => {
    const read = await batches(
      { text: 'a,b\n1,2\n3\n4,"5,6",7\n8,9\n' },
      settingsWith({ file: 'data.csv' }),
    )
    const items = read.flatMap((batch) => batch.items)
    const failures = items.filter(isLeft).map((item) => item.left)
    expect(failures.map((failure) => [failure.message, failure.location, failure.raw])).toEqual([
      [
        'csv data.csv line 3: too few fields: expected 2, found 1',
        { file: 'data.csv', line: 3, row: 2 },
        '3',
      ],
      [
        'csv data.csv line 4: too many fields: expected 2, found 3',
        { file: 'data.csv', line: 4, row: 3 },
        '4,"5,6",7',
      ],
    ])
    expect(failures[0]?.details).toEqual({ expected: 2, found: 1 })
    expect(outcomes(read).at(-1)).toEqual({
      record: { a: '8', b: '9' },
      at: { file: 'data.csv', line: 5, row: 4 },
    })
  })

  it('takes the width of array records from the first row', async () => {
    const read = await batches({ text: '1,2\n3,4,5\n6,7\n' }, settingsWith({ header: false }))
    expect(
      outcomes(read).map((each) => (each as { record?: unknown }).record ?? 'failure'),
    ).toEqual([['1', '2'], 'failure', ['6', '7']])
  })

  it('names records by columns: instead of a header row, over it, or from it', async () => {
    const text = 'a,a,\n1,2,3\n'
    const named = async (settings: Partial<CsvReaderSettings>): Promise<unknown> =>
      (outcomes(await batches({ text }, settingsWith(settings)))[0] as { record: unknown }).record
    expect(await named({ header: false, columns: ['x', 'y', 'z'] })).toEqual({
      x: 'a',
      y: 'a',
      z: '',
    })
    expect(await named({ columns: ['x', 'y', 'z'] })).toEqual({ x: '1', y: '2', z: '3' })
    // A function is given the header's names made unique, and its answer is made unique too.
    const given: Array<readonly string[]> = []
    const fromHeader = await named({
      columns: (header) => {
        given.push(header)
        return header.map((name) => name.toUpperCase())
      },
    })
    expect(given).toEqual([['a', 'a_2', 'column_3']])
    expect(fromHeader).toEqual({ A: '1', A_2: '2', COLUMN_3: '3' })
  })

  it('trims fields before the header is taken and values typed', async () => {
    const read = await batches(
      { text: ' id , on \n 1 , true \n' },
      settingsWith({
        trim: true,
        typing: { numbers: true, booleans: true, dates: false, nulls: false },
      }),
    )
    expect(outcomes(read)[0]).toMatchObject({ record: { id: 1, on: true } })
  })

  it('reports the blank and comment lines it skipped in each batch, the last one final', async () => {
    const read = await batches(
      chunked(['a\n#x\n\n1\n', '\n#y\n2\n']),
      settingsWith({ comments: '#', rows: { ...base.rows, comments: '#' } }),
    )
    expect(read.map((batch) => batch.details)).toEqual([
      { blankLines: 1, commentLines: 1 },
      { blankLines: 2, commentLines: 2 },
      { blankLines: 2, commentLines: 2 },
    ])
  })

  it('closes the stream when returned early', async () => {
    const stream = chunked(['a\n1\n', '2\n', '3\n'])
    const reader = await openCsvReader(stream, base, new AbortController().signal)
    await reader.next()
    await reader.return?.()
    expect(stream.destroyed).toBe(true)
    expect(await reader.next()).toEqual({ done: true, value: undefined })
  })

  it('reads a byte range of a file after its header row', async () => {
    const path = join(directory, 'range.csv')
    const text = 'id,name\n1,Ada\n2,Grace\n3,Linus\n'
    await writeFile(path, text)
    const start = text.indexOf('2,')
    const end = text.indexOf('3,')
    const read = await batches(path, settingsWith({ file: path, range: { start, end } }))
    expect(outcomes(read)).toEqual([
      { record: { id: '2', name: 'Grace' }, at: { file: path, line: 2, row: 1 } },
    ])
    await expect(batches(path, settingsWith({ range: { start: 3, end } }))).rejects.toThrow(
      new SourceReadError(
        `csv: range 3-${end} of ${path} starts inside its header row (which ends at byte 8)`,
      ),
    )
  })

  describe('with the state run option', () => {
    const inRun = async <T>(
      saved: unknown,
      body: (reached: Map<string, unknown>) => Promise<T>,
    ): Promise<T> => {
      const run = new RunContext({
        name: 'test',
        highWaterMark: Number.POSITIVE_INFINITY,
        highWaterBytes: Number.POSITIVE_INFINITY,
        failureCap: 0,
        stallTimeoutMs: Number.POSITIVE_INFINITY,
        hooks: {},
      })
      const reached = new Map<string, unknown>()
      run.state = {
        positionOf: async () => saved,
        reach: (stage: string, position: unknown) => reached.set(stage, position),
      } as unknown as RunState
      return withRun(run, () => body(reached))
    }

    it('saves the offset, row, columns and line it read a file to', async () => {
      const path = join(directory, 'state.csv')
      await writeFile(path, 'id;name\n1;Ada\n2;Grace\n')
      const settings = settingsWith({ file: path, rows: { ...base.rows, delimiter: 'auto' } })
      const position = await inRun(undefined, async (reached) => {
        await batches(path, settings)
        return reached.get('csv') as CsvFilePosition
      })
      expect(position).toEqual({
        file: {
          offset: 22,
          row: 2,
          columns: ['id', 'name'],
          width: 2,
          line: 4,
          delimiter: ';',
          breakChar: '\n',
        },
      })
      // The next run reads what was appended after it, with the same columns.
      await writeFile(path, 'id;name\n1;Ada\n2;Grace\n3;Linus\n')
      const next = await inRun(position, async () => outcomes(await batches(path, settings)))
      expect(next).toEqual([
        { record: { id: '3', name: 'Linus' }, at: { file: path, line: 4, row: 3 } },
      ])
    })

    it('refuses a saved state that is not a CSV file position, naming the stage', async () => {
      const path = join(directory, 'state-bad.csv')
      await writeFile(path, 'a\n1\n')
      for (const saved of [null, 'x', { file: { offset: 1 } }, { ndjson: { line: 1, offset: 0 } }])
        await expect(inRun(saved, () => batches(path))).rejects.toThrow(
          `csv: the saved state holds ${JSON.stringify(saved)}, not a CSV file position`,
        )
    })
  })
})
