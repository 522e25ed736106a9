import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromCsv, pipe, toCsv } from '../../src/index.js'
import { coordinate, splitFile } from '../../src/integrations/distributed/index.js'
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

let folder: { path: string; remove(): void }
const at = (name: string): string => join(folder.path, name)
const started: Command[] = []

beforeAll(() => {
  folder = temporaryFolder('cli-worker')
  const rows = ['id,note']
  for (let id = 0; id < 3000; id++)
    rows.push(`${id},${id % 9 === 0 ? `"a\nb ""${id}"""` : `n${id}`}`)
  writeFileSync(at('big.csv'), `${rows.join('\n')}\n`)
  writePipeline(
    folder.path,
    'job.ts',
    `type Range = { path: string; start: number; end: number }
export const build = (task: Range, context: { output: string; signal: AbortSignal }) =>
  pf.pipe(pf.fromCsv(task.path, { range: task }), pf.toCsv(context.output, { signal: context.signal }))`,
  )
  writePipeline(folder.path, 'nobuild.ts', 'export const other = 1')
})

afterAll(() => {
  for (const command of started) if (command.child.exitCode === null) command.child.kill('SIGKILL')
  folder.remove()
})

function worker(job: string, file = 'job.ts'): Command {
  const command = powerflow(['worker', at(file), '--job', job, '--nats', NATS, '--poll', '100ms'])
  started.push(command)
  return command
}

describe('powerflow worker', () => {
  it('waits for its job, then runs byte ranges of one CSV for a coordinator in code', async () => {
    const job = unique('cli-worker')
    const command = worker(job)
    const tasks = await splitFile(at('big.csv'), { parts: 3 })
    const report = await coordinate({ nats: NATS, job, tasks, output: at('out.csv') })
    expect(report.status).toBe('completed')
    expect(await command.exited()).toBe(0)
    expect(command.stdout()).toMatch(/worker \S+ \(job .+\): 3 tasks completed, 0 runs failed/)
    await pipe(fromCsv(at('big.csv')), toCsv(at('expected.csv')))
    expect(readFileSync(at('out.csv'), 'utf8')).toBe(readFileSync(at('expected.csv'), 'utf8'))
  }, 90_000)

  it('stops on Ctrl-C while it waits for a job, with exit code 130', async () => {
    const command = worker(unique('cli-idle'))
    await command.printed(/worker \S+ ready for job cli-idle-/)
    command.child.kill('SIGINT')
    expect(await command.exited()).toBe(130)
    expect(command.stdout()).toContain('0 tasks completed')
  }, 60_000)

  it('gives up with exit code 1 when the job has not appeared within --wait-for-job', async () => {
    const job = unique('cli-absent')
    const result = await powerflowRun([
      'worker',
      at('job.ts'),
      '--job',
      job,
      '--nats',
      NATS,
      '--poll',
      '50ms',
      '--wait-for-job',
      '300ms',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`job "${job}" did not appear within 300 ms`)
  }, 60_000)

  it('refuses a job file without build, and a missing --job', async () => {
    const nobuild = await powerflowRun(['worker', at('nobuild.ts'), '--job', 'x', '--nats', NATS])
    expect(nobuild.code).toBe(2)
    expect(nobuild.stderr).toContain('does not export a build function')
    const noJob = await powerflowRun(['worker', at('job.ts')])
    expect(noJob.code).toBe(2)
    expect(noJob.stderr).toContain('needs --job <name>')
    const missing = await powerflowRun(['worker', at('none.ts'), '--job', 'x'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`no such job file: ${at('none.ts')}`)
  }, 60_000)
})
