import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runTasks, splitFile } from '../../../src/integrations/distributed/index.js'
import { single } from './fixtures/csvJob.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-runTasks-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const job = new URL('./fixtures/csvJob.ts', import.meta.url)
const ROWS = 200_000

function bigCsv(path: string, rows: number): void {
  const lines = ['id,note,amount']
  for (let index = 0; index < rows; index++) {
    const note =
      index % 7 === 0 ? `"line one\nline ""two"", ${index}\r\nthree"` : `plain ${index % 13}`
    lines.push(`${index},${note},${(index * 37) % 500}`)
  }
  writeFileSync(path, `${lines.join('\n')}\n`)
}

describe('runTasks', () => {
  it('runs byte ranges of one CSV with quoted line breaks on 2 threads: byte-identical output, reports that add up', async () => {
    const input = join(directory, 'big.csv')
    bigCsv(input, ROWS)
    const expected = join(directory, 'single.csv')
    const alone = await single(input, expected)
    const tasks = await splitFile(input, { parts: 6 })
    expect(tasks).toHaveLength(6)
    const output = join(directory, 'parallel.csv')
    const report = await runTasks(tasks, job, { output, threads: 2 })
    expect(report.status).toBe('completed')
    expect(report.output).toBe(output)
    expect(readFileSync(output).equals(readFileSync(expected))).toBe(true)
    expect(report.read).toBe(alone.read)
    expect(report.written).toBe(alone.written)
    expect(report.dropped).toBe(alone.dropped)
    expect(report.droppedByReason).toEqual(alone.droppedByReason)
    expect(report.read + report.created).toBe(
      report.written + report.dropped + report.merged + report.failed,
    )
    expect(report.tasks.map((task) => task.id)).toEqual(tasks.map((task) => task.id))
    const workers = Object.values(report.workers)
    expect(workers.reduce((sum, worker) => sum + worker.tasks, 0)).toBe(6)
    expect(workers.reduce((sum, worker) => sum + worker.read, 0)).toBe(ROWS)
    expect(report.stages.map((stage) => [stage.kind, stage.in])).toEqual(
      alone.stages.map((stage) => [stage.kind, stage.in]),
    )
    expect(report.stages.at(-1)?.name).toBe('toCsv *')
    expect(existsSync(join(directory, '.parallel.csv.parts'))).toBe(false)
  }, 60_000)

  it('fails the job naming a task that threw, and commits nothing', async () => {
    const input = join(directory, 'small.csv')
    writeFileSync(input, 'id,note,amount\n1,a,200\n2,b,300\n')
    const output = join(directory, 'failed.csv')
    const report = await runTasks(
      [
        { id: 'good', kind: 'file', path: input },
        { id: 'bad', kind: 'file', path: input, poison: true },
      ],
      job,
      { output, threads: 2 },
    )
    expect(report.status).toBe('failed')
    expect(report.deadLettered).toEqual(['bad'])
    expect(report.failures[0]?.message).toContain('task bad failed')
    expect(report.failures[0]?.message).toContain('poisoned')
    expect(report.written).toBe(2)
    expect(report.output).toBeUndefined()
    expect(existsSync(output)).toBe(false)
  }, 30_000)

  it('rejects duplicate task ids', async () => {
    await expect(
      runTasks(
        [
          { id: 'a', kind: 'file' },
          { id: 'a', kind: 'file' },
        ],
        job,
        { output: join(directory, 'x.csv') },
      ),
    ).rejects.toThrow('task id a is not unique')
  })
})
