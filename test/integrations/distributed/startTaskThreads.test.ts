import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { runTasks, startTaskThreads } from '../../../src/integrations/distributed/index.js'
import type { ThreadJobTask } from './fixtures/threadJob.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-threads-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const job = new URL('./fixtures/threadJob.ts', import.meta.url)
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

const echo = (count: number, prefix: string): ThreadJobTask[] =>
  Array.from({ length: count }, (_, index) => ({ id: `${prefix}-${index}`, kind: 'echo' }))

/** The output's lines as [task, thread id, load stamp, worker name]. */
const linesOf = (path: string): string[][] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','))

describe('startTaskThreads', () => {
  it('compiles a TypeScript job once and runs several jobs on the same threads, loaded once each', async () => {
    const threads = await startTaskThreads(job, { threads: 2 })
    try {
      expect(threads.size).toBe(2)
      expect(threads.compileMs).toBeGreaterThan(0)
      expect(threads.startMs).toBeGreaterThan(0)
      const first = await runTasks(echo(6, 'a'), threads, { output: join(directory, 'a.txt') })
      const second = await runTasks(echo(6, 'b'), threads, { output: join(directory, 'b.txt') })
      expect([first.status, second.status]).toEqual(['completed', 'completed'])
      expect(second.startup).toEqual({
        compileMs: threads.compileMs,
        threadStartMs: threads.startMs,
      })
      const a = linesOf(join(directory, 'a.txt'))
      const b = linesOf(join(directory, 'b.txt'))
      expect(a.map(([id]) => id)).toEqual(echo(6, 'a').map(({ id }) => id))
      // The same two threads, each with the module loaded once, ran both jobs.
      const loads = (lines: string[][]) =>
        new Set(lines.map(([, thread, stamp]) => `${thread}/${stamp}`))
      expect(loads(a).size).toBe(2)
      expect(loads(b)).toEqual(loads(a))
      expect(Object.keys(second.workers).sort()).toEqual(['thread-1', 'thread-2'])
    } finally {
      await threads.close()
    }
    expect(readdirSync(fixtures).filter((name) => name.endsWith('.mjs'))).toEqual([])
  }, 60_000)

  it('refuses a second job while the threads run one', async () => {
    const threads = await startTaskThreads(job, { threads: 1 })
    const controller = new AbortController()
    try {
      const running = runTasks([{ id: 'w', kind: 'wait' }], threads, {
        output: join(directory, 'busy.txt'),
        signal: controller.signal,
      })
      await expect(
        runTasks(echo(1, 'c'), threads, { output: join(directory, 'c.txt') }),
      ).rejects.toThrow('these task threads are running another job')
      controller.abort()
      expect((await running).status).toBe('aborted')
      // Aborting ended the busy thread; the next job gets a new one.
      const after = await runTasks(echo(2, 'd'), threads, { output: join(directory, 'd.txt') })
      expect(after.status).toBe('completed')
    } finally {
      await threads.close()
    }
  }, 60_000)

  it('fails the task of a thread that dies, and replaces the thread for the next task', async () => {
    const threads = await startTaskThreads(job, { threads: 1 })
    try {
      const report = await runTasks([{ id: 'x', kind: 'exit' }, ...echo(2, 'e')], threads, {
        output: join(directory, 'e.txt'),
      })
      expect(report.status).toBe('failed')
      expect(report.deadLettered).toEqual(['x'])
      expect(report.tasks[0]?.error).toContain('thread-1 exited with code 3')
      expect(report.tasks.slice(1).map((task) => task.status)).toEqual(['completed', 'completed'])
    } finally {
      await threads.close()
    }
  }, 60_000)

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(startTaskThreads(job, { threads: 0 })).rejects.toThrow(
      'threads must be a positive integer, not 0',
    )
  })
})
