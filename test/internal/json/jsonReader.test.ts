import fc from 'fast-check'
import { isRight, type Either } from 'fp-ts/lib/Either.js'
import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Failure } from '../../../src/core/Failure.js'
import { JsonSyntaxError } from '../../../src/internal/json/JsonSyntaxError.js'
import { openJsonReader, type JsonReaderSettings } from '../../../src/internal/json/jsonReader.js'
import type { SourceInput } from '../../../src/internal/input/SourceInput.js'
import type { SourceBatch } from '../../../src/internal/pullSource.js'
import { withRun } from '../../../src/internal/run/currentRun.js'
import { RunContext } from '../../../src/internal/run/RunContext.js'
import type { RunState } from '../../../src/internal/runState.js'

const base: JsonReaderSettings = {
  stage: 'json',
  format: 'ndjson',
  encoding: 'utf8',
  gzip: undefined,
  path: [],
  maxRecordBytes: 1 << 20,
  maxDepth: 64,
  bigNumbers: 'fail',
  strictEncoding: true,
}

const settingsWith = (overrides: Partial<JsonReaderSettings>): JsonReaderSettings => ({
  ...base,
  ...overrides,
})

async function batches(
  input: SourceInput,
  settings: JsonReaderSettings = base,
): Promise<Array<SourceBatch<unknown>>> {
  const reader = await openJsonReader(input, settings, new AbortController().signal)
  const found: Array<SourceBatch<unknown>> = []
  for (;;) {
    const step = await reader.next()
    if (step.done === true) return found
    found.push(step.value)
  }
}

/** Records with where they came from, and failures with their message and location. */
function outcomes(read: ReadonlyArray<SourceBatch<unknown>>): unknown[] {
  return read.flatMap((batch) =>
    batch.items.map((item: Either<Failure, unknown>, index) =>
      isRight(item)
        ? { record: item.right, at: batch.locate?.(index) }
        : { failure: item.left.message, at: item.left.location },
    ),
  )
}

const chunked = (pieces: ReadonlyArray<Buffer>): Readable => Readable.from(pieces)

const cutAt = (bytes: Buffer, cuts: readonly number[]): Buffer[] => {
  const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length]
  return points.slice(1).map((end, index) => bytes.subarray(points[index], end))
}

async function inRun<T>(
  saved: unknown,
  body: (reached: Map<string, unknown>) => Promise<T>,
): Promise<T> {
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

let directory: string
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'json-reader-'))
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe('openJsonReader', () => {
  it('gives NDJSON records and failures with their lines, however the bytes are split', async () => {
    const text = '\uFEFF{"name":"Zoë 😀"}\r\n\n{oops}\n[1,2]\n"last"'
    const whole = outcomes(await batches({ text }))
    expect(whole).toEqual([
      { record: { name: 'Zoë 😀' }, at: { line: 1 } },
      {
        failure:
          "json line 3: invalid JSON at column 2: unexpected 'o': expected a property name in double quotes",
        at: { line: 3, offset: 26 },
      },
      { record: [1, 2], at: { line: 4 } },
      { record: 'last', at: { line: 5 } },
    ])
    const bytes = Buffer.from(text)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 8 }),
        async (cuts) => {
          expect(outcomes(await batches(chunked(cutAt(bytes, cuts))))).toEqual(whole)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('gives the elements of a JSON array however the bytes are split, and no empty batches', async () => {
    const text = '[{"a":"é"}, 2, [3], {"b":null}]'
    const bytes = Buffer.from(text)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 6 }),
        async (cuts) => {
          const read = await batches(chunked(cutAt(bytes, cuts)), settingsWith({ format: 'auto' }))
          expect(read.every((batch) => batch.items.length > 0)).toBe(true)
          expect(read.flatMap((batch) => batch.items)).toEqual(
            [{ a: 'é' }, 2, [3], { b: null }].map((right) => ({ _tag: 'Right', right })),
          )
        },
      ),
      { numRuns: 40 },
    )
  })

  it('gives a refused number of a document as a failure with its line and field, and reads on', async () => {
    const items = (
      await batches(
        { text: '[{"id":1},\n{"id":9007199254740993},\n{"id":3}]' },
        settingsWith({ format: 'array' }),
      )
    ).flatMap((batch) => batch.items)
    expect(items).toEqual([
      { _tag: 'Right', right: { id: 1 } },
      {
        _tag: 'Left',
        left: expect.objectContaining({
          _tag: 'ParseError',
          location: { line: 2, field: 'id' },
        }),
      },
      { _tag: 'Right', right: { id: 3 } },
    ])
  })

  it('errors the run at a broken document, naming the input, byte and line', async () => {
    const failed = batches({ text: '[1,\n 2,\n ]' }, settingsWith({ format: 'array' }))
    await expect(failed).rejects.toThrow(
      "json: invalid JSON in the text at byte 9 (line 3): unexpected ']': expected a value",
    )
    await expect(failed).rejects.toHaveProperty('cause', expect.any(JsonSyntaxError))
  })

  it('errors the run at undecodable bytes in a document, placed after multi-byte text', async () => {
    const bytes = Buffer.concat([Buffer.from('["é",\n"'), Buffer.from([0xff]), Buffer.from('"]')])
    for (const pieces of [[bytes], cutAt(bytes, [3, 8])])
      await expect(batches(chunked(pieces), settingsWith({ format: 'array' }))).rejects.toThrow(
        /^json: the stream at byte 8 \(line 2\): invalid UTF-8 byte sequence/,
      )
  })

  it('closes the stream when returned early', async () => {
    const stream = chunked([Buffer.from('1\n'), Buffer.from('2\n'), Buffer.from('3\n')])
    const reader = await openJsonReader(stream, base, new AbortController().signal)
    expect((await reader.next()).done).toBe(false)
    await reader.return?.()
    expect(stream.destroyed).toBe(true)
    expect(await reader.next()).toEqual({ done: true, value: undefined })
  })

  describe('with the state run option', () => {
    it('reads only what was appended, a last line without a line feed included once', async () => {
      const path = join(directory, 'events.ndjson')
      await writeFile(path, '{"id":1}\n{"id":2}')
      const records = (read: ReadonlyArray<SourceBatch<unknown>>): unknown[] =>
        read.flatMap((batch) => batch.items.filter(isRight).map((item) => item.right))
      const first = await inRun(undefined, async (reached) => {
        expect(records(await batches(path))).toEqual([{ id: 1 }, { id: 2 }])
        return reached.get('json')
      })
      expect(first).toEqual({ ndjson: { line: 2, offset: 17 } })
      await appendFile(path, '\n{"id":3}\n')
      const second = await inRun(first, async (reached) => {
        const read = await batches(path)
        expect(records(read)).toEqual([{ id: 3 }])
        expect(outcomes(read)).toEqual([{ record: { id: 3 }, at: { file: path, line: 3 } }])
        return reached.get('json')
      })
      expect(second).toEqual({ ndjson: { line: 4, offset: 27 } })
    })

    it('refuses a saved state that is not an NDJSON position, naming the stage', async () => {
      const path = join(directory, 'bad-state.ndjson')
      await writeFile(path, '1\n')
      for (const saved of [null, { ndjson: { line: 1 } }, { file: { offset: 0 } }])
        await expect(inRun(saved, () => batches(path))).rejects.toThrow(
          `json: the saved state holds ${JSON.stringify(saved)}, not an NDJSON file position`,
        )
    })

    it('saves no position for a JSON document, which is read whole every time', async () => {
      const path = join(directory, 'array.json')
      await writeFile(path, '[1,2]')
      const reached = await inRun(undefined, async (positions) => {
        await batches(path, settingsWith({ format: 'auto' }))
        return [...positions.keys()]
      })
      expect(reached).toEqual([])
    })
  })
})
