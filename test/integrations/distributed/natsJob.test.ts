import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { coordinate, splitFiles } from '../../../src/integrations/distributed/index.js'
import type { CsvJobTask } from './fixtures/csvJob.js'
import { single } from './fixtures/csvJob.js'

const NATS = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222'
const directory = mkdtempSync(join(tmpdir(), 'powerflow-nats-'))
const workerScript = fileURLToPath(new URL('./fixtures/natsWorker.ts', import.meta.url))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(directory, { recursive: true, force: true })
})
const unique = (label: string): string =>
  `${label}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`

interface Worker {
  readonly child: ChildProcess
  readonly lines: string[]
  waitFor(text: string): Promise<void>
  exited: Promise<number | null>
}

function startWorker(job: string, name: string, delayMs: number): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, NATS, job, name], {
    env: { ...process.env, PF_TASK_DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  const lines: string[] = []
  const waiters: Array<() => void> = []
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter((line) => line !== ''))
    for (const wake of waiters.splice(0)) wake()
  })
  return {
    child,
    lines,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    async waitFor(text) {
      while (!lines.some((line) => line.includes(text)))
        await new Promise<void>((resolve) => waiters.push(resolve))
    },
  }
}

/** 8 CSV files with quoted line breaks, and the single-process output over all their rows. */
async function inputs(label: string): Promise<{ folder: string; expected: string }> {
  const folder = join(directory, label)
  const { mkdirSync } = await import('node:fs')
  mkdirSync(folder)
  const all = ['id,note,amount']
  for (let file = 0; file < 8; file++) {
    const rows = ['id,note,amount']
    for (let row = 0; row < 400; row++) {
      const id = file * 1000 + row
      rows.push(`${id},${row % 5 === 0 ? `"multi\nline ""${id}"""` : `n${id}`},${(id * 31) % 400}`)
    }
    writeFileSync(join(folder, `part-${file}.csv`), `${rows.join('\n')}\n`)
    all.push(...rows.slice(1))
  }
  const whole = join(directory, `${label}-whole.csv`)
  writeFileSync(whole, `${all.join('\n')}\n`)
  const expected = join(directory, `${label}-expected.csv`)
  await single(whole, expected)
  return { folder, expected }
}

describe('coordinate and work over NATS JetStream', () => {
  it('2 worker processes (started before the coordinator) give the single-process output over 8 files', async () => {
    const job = unique('eight')
    const { folder, expected } = await inputs('eight')
    const workers = [startWorker(job, 'w1', 50), startWorker(job, 'w2', 50)]
    // Both are polling for a job that does not exist yet.
    await Promise.all(workers.map((worker) => worker.waitFor('ready')))
    await new Promise((resolve) => setTimeout(resolve, 500))
    const output = join(directory, 'eight.csv')
    const report = await coordinate({
      nats: NATS,
      job,
      tasks: await splitFiles(join(folder, '*.csv')),
      output,
    })
    expect(report.status).toBe('completed')
    expect(readFileSync(output).equals(readFileSync(expected))).toBe(true)
    expect(report.read).toBe(3200)
    expect(report.read + report.created).toBe(
      report.written + report.dropped + report.merged + report.failed,
    )
    expect(report.tasks).toHaveLength(8)
    expect(Object.keys(report.workers).sort()).toEqual(['w1', 'w2'])
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0])
    const manifest = JSON.parse(readFileSync(`${output}.manifest.json`, 'utf8')) as {
      status: string
    }
    expect(manifest.status).toBe('completed')
  }, 60_000)

  it('redelivers the task of a worker killed with SIGKILL: the output is still exact and the redelivery counted', async () => {
    const job = unique('kill')
    const { folder, expected } = await inputs('kill')
    const victim = startWorker(job, 'victim', 400)
    const output = join(directory, 'kill.csv')
    const done = coordinate({
      nats: NATS,
      job,
      tasks: await splitFiles(join(folder, '*.csv')),
      output,
      ackWaitMs: 1500,
    })
    await victim.waitFor('start')
    victim.child.kill('SIGKILL')
    await victim.exited
    const survivor = startWorker(job, 'survivor', 0)
    const report = await done
    expect(report.status).toBe('completed')
    expect(readFileSync(output).equals(readFileSync(expected))).toBe(true)
    expect(report.redeliveries).toBeGreaterThanOrEqual(1)
    expect(report.tasks.some((task) => task.deliveries > 1)).toBe(true)
    expect(await survivor.exited).toBe(0)
  }, 60_000)

  it('finishes a job whose coordinator was stopped mid-job and started again', async () => {
    const job = unique('restart')
    const { folder, expected } = await inputs('restart')
    const worker = startWorker(job, 'r1', 150)
    const tasks = await splitFiles(join(folder, '*.csv'))
    const output = join(directory, 'restart.csv')
    const stop = new AbortController()
    const first = coordinate({ nats: NATS, job, tasks, output, signal: stop.signal })
    await worker.waitFor('start task-0002')
    stop.abort()
    const stopped = await first
    expect(stopped.status).toBe('aborted')
    expect(existsSync(output)).toBe(false)
    const report = await coordinate({ nats: NATS, job, tasks, output })
    expect(report.status).toBe('completed')
    expect(readFileSync(output).equals(readFileSync(expected))).toBe(true)
    expect(report.read).toBe(3200)
    expect(await worker.exited).toBe(0)
  }, 60_000)

  it('sends a poison task to the dead-letter subject after maxDeliver; the job fails naming it, other parts committed', async () => {
    const job = unique('poison')
    const { folder } = await inputs('poison')
    const files = await splitFiles(join(folder, '*.csv'))
    const tasks: CsvJobTask[] = files.map((task) =>
      task.id === 'task-0003' ? { ...task, path: join(folder, 'missing.csv') } : task,
    )
    // A worker that first finds the job after it is over waits for it (as documented), so both
    // must be looking before the job starts, and the job must last long enough for a worker that
    // is slow to connect on a busy machine: each task takes 300 ms.
    const workers = [startWorker(job, 'p1', 300), startWorker(job, 'p2', 300)]
    await Promise.all(workers.map((worker) => worker.waitFor('ready')))
    const output = join(directory, 'poison.csv')
    const report = await coordinate({ nats: NATS, job, tasks, output, maxDeliver: 2 })
    expect(report.status).toBe('failed')
    expect(report.deadLettered).toEqual(['task-0003'])
    expect(report.tasks.find((task) => task.id === 'task-0003')?.deliveries).toBe(2)
    expect(report.failures.map((failure) => failure.message).join('\n')).toMatch(
      /task task-0003 failed .*missing\.csv/,
    )
    expect(existsSync(output)).toBe(false)
    const manifest = JSON.parse(readFileSync(`${output}.manifest.json`, 'utf8')) as {
      status: string
      tasks: Array<{ id: string; status: string; part: string }>
    }
    expect(manifest.status).toBe('failed')
    for (const task of manifest.tasks)
      if (task.id !== 'task-0003') {
        expect(task.status).toBe('completed')
        expect(existsSync(task.part)).toBe(true)
      }
    await Promise.all(workers.map((worker) => worker.exited))
  }, 60_000)
})
