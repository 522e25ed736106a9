import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { filter, fromCsv, pipe, toCsv } from '../../src/index.js'
import {
  powerflow,
  powerflowRun,
  temporaryFolder,
  writePipeline,
  type Command,
} from '../support/powerflowCommand.js'

const NATS = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222'
const unique = (label: string): string =>
  `${label}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`

const keep = (row: Record<string, string>): boolean => Number(row['amount']) > 100

let folder: { path: string; remove(): void }
const at = (name: string): string => join(folder.path, name)
const started: Command[] = []

beforeAll(() => {
  folder = temporaryFolder('cli-coordinate')
  const all = ['id,note,amount']
  for (let file = 0; file < 4; file++) {
    const rows = ['id,note,amount']
    for (let row = 0; row < 50; row++) {
      const id = file * 100 + row
      rows.push(`${id},${row % 7 === 0 ? `"two\nlines ${id}"` : `n${id}`},${(id * 37) % 300}`)
    }
    writeFileSync(at(`in-${file}.csv`), `${rows.join('\n')}\n`)
    all.push(...rows.slice(1))
  }
  writeFileSync(at('whole.csv'), `${all.join('\n')}\n`)
  writePipeline(
    folder.path,
    'job.ts',
    `const keep = (row: Record<string, string>) => Number(row['amount']) > 100
export const build = (task: { path: string }, context: { output: string; signal: AbortSignal }) =>
  pf.pipe(pf.fromCsv(task.path), pf.filter(keep), pf.toCsv(context.output, { signal: context.signal }))`,
  )
})

afterAll(() => {
  for (const command of started) if (command.child.exitCode === null) command.child.kill('SIGKILL')
  folder.remove()
})

function worker(job: string, name: string): Command {
  const command = powerflow([
    'worker',
    at('job.ts'),
    '--job',
    job,
    '--nats',
    NATS,
    '--name',
    name,
    '--poll',
    '100ms',
  ])
  started.push(command)
  return command
}

describe('powerflow coordinate', () => {
  it('runs a job over 4 files on 2 powerflow workers: the output equals one process’s', async () => {
    const job = unique('cli')
    const workers = [worker(job, 'w1'), worker(job, 'w2')]
    // Both loaded and looking for the job (every 100 ms) before it starts: a worker that first
    // looks after the job is over waits for it forever, as it should.
    await Promise.all(workers.map((command) => command.printed('ready for job', 60_000)))
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const coordinator = await powerflowRun([
      'coordinate',
      '--job',
      job,
      '--nats',
      NATS,
      '--files',
      at('in-*.csv'),
      '--output',
      at('out.csv'),
      '--report',
      at('report.json'),
    ])
    expect(coordinator.stderr).toBe('')
    expect(coordinator.code).toBe(0)
    expect(coordinator.stdout).toContain(`job ${job}: completed, 4 tasks`)
    const codes = await Promise.all(workers.map((command) => command.exited()))
    expect(codes).toEqual([0, 0])
    const completed = workers.map((command) =>
      Number(/(\d+) tasks completed/.exec(command.stdout())?.[1]),
    )
    expect(completed.reduce((sum, count) => sum + count, 0)).toBe(4)

    const expected = at('expected.csv')
    const alone = await pipe(fromCsv(at('whole.csv')), filter(keep), toCsv(expected))
    expect(readFileSync(at('out.csv'), 'utf8')).toBe(readFileSync(expected, 'utf8'))
    const report = JSON.parse(readFileSync(at('report.json'), 'utf8')) as {
      status: string
      read: number
      written: number
      dropped: number
      tasks: unknown[]
    }
    expect(report).toMatchObject({ status: 'completed', read: 200, tasks: expect.any(Array) })
    expect(report.written + report.dropped).toBe(200)
    expect(report.written).toBe(alone.written)
  }, 90_000)

  it('refuses to start without one source of tasks, or without --job or --output', async () => {
    const none = await powerflowRun(['coordinate', '--job', 'x', '--output', at('x.csv')])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('needs its tasks: --files <glob>, --split <file> or --tasks')
    const both = await powerflowRun([
      'coordinate',
      '--job',
      'x',
      '--output',
      at('x.csv'),
      '--files',
      at('*.csv'),
      '--split',
      at('whole.csv'),
    ])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--files and --split exclude each other')
    const noJob = await powerflowRun(['coordinate', '--output', at('x.csv'), '--files', '*.csv'])
    expect(noJob.code).toBe(2)
    expect(noJob.stderr).toContain('needs --job <name>')
    const badJob = await powerflowRun([
      'coordinate',
      '--job',
      'a.b',
      '--output',
      'x',
      '--files',
      'y',
    ])
    expect(badJob.code).toBe(2)
    expect(badJob.stderr).toContain('use letters, digits, _ and - only')
    writeFileSync(at('tasks.json'), '{ "id": "not an array" }')
    const badTasks = await powerflowRun([
      'coordinate',
      '--job',
      'x',
      '--output',
      at('x.csv'),
      '--tasks',
      at('tasks.json'),
    ])
    expect(badTasks.code).toBe(2)
    expect(badTasks.stderr).toContain('must hold a JSON array of objects with a string "id"')
  }, 60_000)
})
