import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { coordinate, work, type TaskBuild } from '../../../src/integrations/distributed/index.js'
import { build, single, type CsvJobTask } from './fixtures/csvJob.js'

const NATS = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222'
const directory = mkdtempSync(join(tmpdir(), 'powerflow-work-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const unique = (label: string): string =>
  `${label}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`

/** Three CSV files and the single-process output over all their rows. */
async function inputs(label: string): Promise<{ tasks: CsvJobTask[]; expected: string }> {
  const all = ['id,note,amount']
  const tasks: CsvJobTask[] = []
  for (let file = 0; file < 3; file++) {
    const rows = ['id,note,amount']
    for (let row = 0; row < 200; row++) {
      const id = file * 1000 + row
      rows.push(`${id},${row % 7 === 0 ? `"two\nlines"` : `n${id}`},${(id * 37) % 300}`)
    }
    const path = join(directory, `${label}-${file}.csv`)
    writeFileSync(path, `${rows.join('\n')}\n`)
    all.push(...rows.slice(1))
    tasks.push({ id: `t${file}`, kind: 'file', path })
  }
  const whole = join(directory, `${label}-whole.csv`)
  writeFileSync(whole, `${all.join('\n')}\n`)
  const expected = join(directory, `${label}-expected.csv`)
  await single(whole, expected)
  return { tasks, expected }
}

describe('work', () => {
  it('runs every task of a job in this process and resolves when the job is over', async () => {
    const job = unique('work-inline')
    const { tasks, expected } = await inputs(job)
    const output = join(directory, `${job}.csv`)
    // Fails its first delivery of t1: offered again after retryDelayMs and counted as a failed run.
    let failedOnce = false
    const flaky: TaskBuild<CsvJobTask> = async (task, context) => {
      if (task.id === 't1' && !failedOnce) {
        failedOnce = true
        throw new Error('first delivery fails')
      }
      return build(task, context)
    }
    const worker = work({
      nats: NATS,
      job,
      build: flaky,
      name: 'inline',
      pollMs: 50,
      retryDelayMs: 20,
    })
    const report = await coordinate({ nats: NATS, job, tasks, output })
    const summary = await worker
    expect(summary).toEqual({ worker: 'inline', completed: 3, failed: 1 })
    expect(report.status).toBe('completed')
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(expected, 'utf8'))
  }, 60_000)

  it('rejects naming the job when it has not appeared within waitForJobMs', async () => {
    const job = unique('work-absent')
    const started = performance.now()
    await expect(work({ nats: NATS, job, build, pollMs: 50, waitForJobMs: 300 })).rejects.toThrow(
      `job "${job}" did not appear within 300 ms (waitForJobMs)`,
    )
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  }, 30_000)

  it('resolves with nothing done when its signal fires while it waits for the job', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 150)
    const summary = await work({
      nats: NATS,
      job: unique('work-stopped'),
      build,
      name: 'idle',
      pollMs: 50,
      signal: controller.signal,
    })
    expect(summary).toEqual({ worker: 'idle', completed: 0, failed: 0 })
  }, 30_000)

  it('rejects when NATS cannot be reached', async () => {
    await expect(
      work({ nats: 'nats://127.0.0.1:1', job: unique('work-nonats'), build }),
    ).rejects.toThrow()
  }, 30_000)
})
