import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { createWriteStream } from 'node:fs'
import { PassThrough } from 'node:stream'
import { pipe } from 'fp-ts/lib/function.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { failFast } from '../../src/policies/failFast.js'
import { toJson } from '../../src/sinks/toJson.js'
import { expectBalanced, rejection } from '../support/ledger.js'
import { canMountSmallDisk, withSmallDisk } from '../support/smallDisk.js'

let directory: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-toJson-'))
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

const text = (name: string): Promise<string> => readFile(join(directory, name), 'utf8')

const records = (count: number) =>
  Array.from({ length: count }, (_, n) => ({
    id: n,
    name: `name "${n}"\n`,
    tags: n % 2 === 0 ? [] : ['a', { b: n }],
    none: null,
  }))

describe('toJson', () => {
  it.each([0, 1, 3, 5_000])('writes a valid JSON array of %i records', async (count) => {
    const input = records(count)
    const path = join(directory, 'out.json')
    const report = await pipe(fromGenerator(input), toJson(path, { highWaterMark: 100 }))
    const written = await text('out.json')
    expect(JSON.parse(written)).toEqual(input)
    expect(report).toMatchObject({
      status: 'completed',
      written: count,
      file: { path, bytes: Buffer.byteLength(written), committed: true },
    })
    expect(report.maxInFlight).toBeLessThanOrEqual(100)
    expectBalanced(report)
  })

  it('writes one record per line between the brackets', async () => {
    await pipe(fromGenerator([{ a: 1 }, { a: 2 }]), toJson(join(directory, 'out.json')))
    expect(await text('out.json')).toBe('[\n{"a":1},\n{"a":2}\n]\n')
    await pipe(fromGenerator<{ a: number }>([]), toJson(join(directory, 'empty.json')))
    expect(await text('empty.json')).toBe('[]\n')
  })

  it('indents the array with pretty, by two spaces or the given number', async () => {
    await pipe(
      fromGenerator([{ a: [1] }, { a: [] }]),
      toJson(join(directory, 'two.json'), { pretty: true }),
    )
    expect(await text('two.json')).toBe(
      '[\n  {\n    "a": [\n      1\n    ]\n  },\n  {\n    "a": []\n  }\n]\n',
    )
    await pipe(fromGenerator([{ a: 'x\ny' }]), toJson(join(directory, 'four.json'), { pretty: 4 }))
    expect(await text('four.json')).toBe('[\n    {\n        "a": "x\\ny"\n    }\n]\n')
    expect(JSON.parse(await text('four.json'))).toEqual([{ a: 'x\ny' }])
  })

  it.each(['out.ndjson', 'out.jsonl'])('writes NDJSON for %s', async (name) => {
    const input = records(3)
    await pipe(fromGenerator(input), toJson(join(directory, name)))
    const lines = (await text(name)).split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(input)
  })

  it('writes NDJSON when asked, whatever the extension, and nothing for no records', async () => {
    await pipe(
      fromGenerator([1, 'two', [3]]),
      toJson(join(directory, 'out.txt'), { format: 'ndjson' }),
    )
    expect(await text('out.txt')).toBe('1\n"two"\n[3]\n')
    await pipe(fromGenerator<number>([]), toJson(join(directory, 'none.ndjson')))
    expect(await text('none.ndjson')).toBe('')
  })

  it('refuses pretty NDJSON and appending to an array', () => {
    expect(() => toJson(join(directory, 'x.ndjson'), { pretty: true })).toThrow(/NDJSON/)
    expect(() => toJson(join(directory, 'x.json'), { append: true })).toThrow(/ndjson/)
    expect(() => toJson(join(directory, 'x.json'), { pretty: -1 })).toThrow(/pretty/)
  })

  it('makes a record JSON cannot represent a SinkError naming its row, and keeps the file valid', async () => {
    const report = await pipe(
      fromGenerator<unknown>([{ a: 1 }, { big: 1n }, undefined, { a: 2 }]),
      toJson(join(directory, 'out.json')),
    )
    expect(JSON.parse(await text('out.json'))).toEqual([{ a: 1 }, { a: 2 }])
    expect(report).toMatchObject({ written: 2, failed: 2 })
    expect(report.failures.map((failure) => failure.location?.row)).toEqual([2, 3])
    expect(report.failures[0]?.message).toMatch(/^toJson .*out\.json row 2: .*BigInt/)
    expectBalanced(report)
  })

  it('writes Dates as ISO 8601 strings', async () => {
    await pipe(
      fromGenerator([{ when: new Date(Date.UTC(2024, 1, 29)) }]),
      toJson(join(directory, 'out.ndjson')),
    )
    expect(await text('out.ndjson')).toBe('{"when":"2024-02-29T00:00:00.000Z"}\n')
  })

  it('gzips output whose path ends in .gz, keeping the format of the inner extension', async () => {
    await pipe(fromGenerator([{ a: 1 }, { a: 2 }]), toJson(join(directory, 'out.ndjson.gz')))
    expect(gunzipSync(await readFile(join(directory, 'out.ndjson.gz'))).toString('utf8')).toBe(
      '{"a":1}\n{"a":2}\n',
    )
  })

  it('appends NDJSON lines to the target with append', async () => {
    const path = join(directory, 'log.ndjson')
    await writeFile(path, '{"a":0}\n')
    const report = await pipe(fromGenerator([{ a: 1 }]), toJson(path, { append: true }))
    expect(await text('log.ndjson')).toBe('{"a":0}\n{"a":1}\n')
    expect(report).toMatchObject({ written: 1, file: { bytes: 8, committed: true } })
    expect(await readdir(directory)).toEqual(['log.ndjson'])
  })

  // A real full disk: a 256 KiB tmpfs (needs root; skipped elsewhere).
  it.skipIf(!canMountSmallDisk)(
    'keeps whole lines only, as many as written, when the disk fills up appending NDJSON',
    async () => {
      await withSmallDisk('256k', async (disk) => {
        const path = join(disk, 'log.ndjson')
        await writeFile(path, '{"id":0}\n')
        const error = await rejection(
          pipe(
            fromGenerator(function* () {
              for (let id = 1; id < 200_000; id++) yield { id, name: `record number ${id}` }
            }),
            toJson(path, { append: true, highWaterMark: 100 }),
          ),
        )
        expect(error.message).toMatch(/toJson log\.ndjson: cannot write .*ENOSPC/)
        const report = error.report as RunReport
        expectBalanced(report)
        const content = await readFile(path, 'utf8')
        expect(content.endsWith('\n')).toBe(true)
        const lines = content.split('\n').slice(1, -1)
        expect(lines).toHaveLength(report.written)
        lines.forEach((line, index) => expect(JSON.parse(line)).toMatchObject({ id: index + 1 }))
      })
    },
  )

  it('leaves an existing target untouched and removes its temporary file when the run is aborted', async () => {
    const path = join(directory, 'out.json')
    await writeFile(path, '["old"]\n')
    const controller = new AbortController()
    const run = pipe(
      fromGenerator(async function* () {
        for (let n = 0; n < 7; n++) yield { n }
        await new Promise((resolve) => setTimeout(resolve, 5))
        controller.abort()
        await new Promise((resolve) => setTimeout(resolve, 1_000))
        yield { n: 7 }
      }),
      toJson(path, { signal: controller.signal, highWaterMark: 2 }),
    )
    const error = await rejection(run)
    expect(error.name).toBe('AbortError')
    expect(await text('out.json')).toBe('["old"]\n')
    expect(await readdir(directory)).toEqual(['out.json'])
    expect(error.report).toMatchObject({
      status: 'aborted',
      written: 0,
      droppedByReason: { aborted: 7 },
    })
    expectBalanced(error.report as RunReport)
  })

  it('leaves the target untouched when a fail-fast run stops', async () => {
    const path = join(directory, 'out.ndjson')
    await writeFile(path, '"old"\n')
    const error = await rejection(
      pipe(
        fromGenerator([1, 2, 3]),
        map((n: number) => {
          if (n === 3) throw new Error('bad')
          return { n }
        }),
        failFast(),
        toJson(path),
      ),
    )
    expect(error.report).toMatchObject({ status: 'failed', written: 0 })
    expect(await text('out.ndjson')).toBe('"old"\n')
    expect(await readdir(directory)).toEqual(['out.ndjson'])
  })

  it('fails the run at once, naming the path, when the directory does not exist', async () => {
    const path = join(directory, 'nope', 'out.json')
    const error = await rejection(pipe(fromGenerator([1]), toJson(path)))
    expect(error.message).toContain(`cannot write ${path}: the directory`)
    expect(error.report?.status).toBe('failed')
  })
})

describe('toJson to a stream', () => {
  it('writes a JSON array or NDJSON to a Writable and ends it', async () => {
    const stream = new PassThrough()
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    const ended = new Promise((resolve) => stream.on('end', resolve))
    const report = await pipe(fromGenerator(records(3)), toJson(stream))
    await ended
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toEqual(records(3))
    expect(report).toMatchObject({ name: 'toJson stream', written: 3, stream: { ended: true } })
    expectBalanced(report)
  })

  it("takes the format from a file stream's extension, and writes no temporary file", async () => {
    const path = join(directory, 'direct.ndjson')
    const stream = createWriteStream(path)
    const report = await pipe(fromGenerator(records(1_000)), toJson(stream, { highWaterMark: 20 }))
    if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()))
    const lines = (await text('direct.ndjson')).trimEnd().split('\n')
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(records(1_000))
    expect(report.maxInFlight).toBeLessThanOrEqual(20)
    expect(await readdir(directory)).toEqual(['direct.ndjson'])
  })
})
