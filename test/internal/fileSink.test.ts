import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { runSink } from '../../src/internal/runSink.js'
import { fileSink, RecordProblem, type FileFormat } from '../../src/internal/fileSink.js'
import { fileSinkSettings } from '../../src/internal/fileSinkTarget.js'
import type { Flow } from '../../src/core/Flow.js'
import { expectBalanced } from '../support/ledger.js'

let directory: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-fileSink-'))
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

/** Lines of numbers between `[` and `]`; a negative number cannot be written. */
const lines: FileFormat<number> = {
  start: () => '[\n',
  record: (n) => {
    if (n < 0) throw new RecordProblem('negative', { value: n })
    return `${n}\n`
  },
  end: (count) => `] ${count}\n`,
}

const sinkTo = (path: string) => (flow: Flow<number>) =>
  runSink<number>(flow, 'lines', {}, (stage) =>
    fileSink(stage, fileSinkSettings('lines', path, {}), () => lines),
  )

describe('fileSink', () => {
  it('writes the start, the records and the end, and commits the file', async () => {
    const path = join(directory, 'out.txt')
    const report = await pipe(fromGenerator([1, 2, 3]), sinkTo(path))
    expect(await readFile(path, 'utf8')).toBe('[\n1\n2\n3\n] 3\n')
    expect(report.written).toBe(3)
    expect(report['file']).toMatchObject({ path, committed: true, bytes: 12 })
    expect(await readdir(directory)).toEqual(['out.txt'])
    expectBalanced(report)
  })

  it('fails a record the format cannot write, naming the file, its row and the details', async () => {
    const path = join(directory, 'out.txt')
    const report = await pipe(fromGenerator([1, -2, 3]), sinkTo(path))
    expect(await readFile(path, 'utf8')).toBe('[\n1\n3\n] 2\n')
    expect(report.written).toBe(2)
    expect(report.failures[0]).toMatchObject({
      _tag: 'SinkError',
      stage: 'lines',
      location: { file: path, row: 2 },
      details: { value: -2 },
    })
    expectBalanced(report)
  })

  it('leaves no file behind when the directory does not exist', async () => {
    const path = join(directory, 'missing', 'out.txt')
    await expect(pipe(fromGenerator([1]), sinkTo(path))).rejects.toThrow(
      `lines: cannot write ${path}: the directory ${join(directory, 'missing')} does not exist`,
    )
    expect(await readdir(directory)).toEqual([])
  })
})
