import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import { afterAll, describe, expect, it } from 'vitest'
import { definePipeline } from '../../src/pipelines/definePipeline.js'
import type { JobHandle } from '../../src/pipelines/JobHandle.js'
import { schedule } from '../../src/pipelines/schedule.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'

const quick = definePipeline({
  name: 'quick',
  run: (ctx) => pipe(fromGenerator([1, 2]), toArray({ ...ctx.runOptions })),
})

/** Takes `ms` (a param), or less when aborted. */
const slow = definePipeline({
  name: 'slow',
  run: (ctx) =>
    pipe(
      fromGenerator(async function* () {
        await new Promise((resolve) => setTimeout(resolve, Number(ctx.params['ms'] ?? 0)))
        yield 1
      }),
      toArray({ ...ctx.runOptions }),
    ),
})

const broken = definePipeline({
  name: 'broken',
  run: async () => {
    throw new Error('cannot reach the CRM')
  },
})

/** A logger per test, keeping its lines. */
function recorder() {
  const lines: string[] = []
  const logger = {
    info: (line: string) => void lines.push(line),
    warn: (line: string) => void lines.push(`warn ${line}`),
    error: (line: string) => void lines.push(`error ${line}`),
  }
  return { lines, logger }
}
const jobs: JobHandle[] = []
const started = (job: JobHandle): JobHandle => {
  jobs.push(job)
  return job
}
const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10))
}

afterAll(async () => {
  await Promise.all(jobs.splice(0).map((job) => job.stop({ graceMs: 0 })))
})

describe.concurrent('schedule', { timeout: 20_000 }, () => {
  it('runs on a seconds-level cron, keeping each run in the history and the history file', async () => {
    const { lines, logger } = recorder()
    const folder = mkdtempSync(join(tmpdir(), 'powerflow-schedule-'))
    try {
      const historyFile = join(folder, 'runs.jsonl')
      const seen: string[] = []
      const job = started(
        schedule(quick, {
          cron: '* * * * * *',
          timezone: 'Europe/Berlin',
          historyFile,
          logger,
          onRun: (entry) => void seen.push(entry.status),
        }),
      )
      expect(job.nextRun).toBeInstanceOf(Date)
      await until(() => job.history.length >= 2)
      await job.stop()

      expect(job.nextRun).toBeNull()
      expect(job.history[0]).toMatchObject({
        name: 'quick',
        status: 'completed',
        read: 2,
        written: 2,
      })
      const written = readFileSync(historyFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
      expect(written).toEqual(job.history)
      expect(seen).toEqual(job.history.map((entry) => entry.status))
      expect(lines[0]).toMatch(
        /^quick: scheduled "\* \* \* \* \* \*" \(Europe\/Berlin\); first run /,
      )
      expect(lines[1]).toMatch(/^quick completed in [\d.]+ s — read 2, written 2, .* · next run /)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('skips runs due while one is going, by default', async () => {
    const { lines, logger } = recorder()
    const job = started(schedule(slow, { cron: '* * * * * *', params: { ms: '1500' }, logger }))
    await until(() => lines.some((line) => line.includes('skipped')))
    await job.stop()

    expect(job.history).toHaveLength(1)
    expect(job.history[0]?.status).toBe('completed')
  })

  it('queues a run due while one is going, and starts it when that one ends', async () => {
    const { logger } = recorder()
    const job = started(
      schedule(slow, { cron: '* * * * * *', overlap: 'queue', params: { ms: '1200' }, logger }),
    )
    await until(() => job.history.length >= 2)
    await job.stop({ graceMs: 0 })

    const [first, second] = job.history
    // Due while the first was going, it started only once the first had ended.
    expect(Date.parse(second?.scheduledAt ?? '')).toBeLessThan(Date.parse(first?.finishedAt ?? ''))
    expect(Date.parse(second?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(first?.finishedAt ?? ''),
    )
  })

  it('aborts a run that outlasts the grace period on stop', async () => {
    const { logger } = recorder()
    const job = started(schedule(slow, { cron: '* * * * * *', params: { ms: '60000' }, logger }))
    await until(() => job.running)
    await job.stop({ graceMs: 10 })

    expect(job.running).toBe(false)
    expect(job.history).toEqual([
      expect.objectContaining({ status: 'aborted', error: expect.stringContaining('aborted') }),
    ])
  })

  it('records a pipeline that throws as a failed run and goes on', async () => {
    const { lines, logger } = recorder()
    const job = started(schedule(broken, { cron: '* * * * * *', logger }))
    await until(() => job.history.length >= 2)
    await job.stop()

    expect(job.history[0]).toMatchObject({
      name: 'broken',
      status: 'failed',
      read: 0,
      error: 'cannot reach the CRM',
    })
    expect(lines.some((line) => line.startsWith('error broken failed in'))).toBe(true)
  })

  it('refuses a cron expression, a time zone or an overlap it cannot use', () => {
    expect(() => schedule(quick, { cron: 'every day' })).toThrow(
      /schedule quick: invalid cron "every day"/,
    )
    expect(() => schedule(quick, { cron: '* * * * *', timezone: 'Mars/Olympus' })).toThrow(
      /or time zone "Mars\/Olympus"/,
    )
    expect(() => schedule(quick, { cron: '* * * * *', overlap: 'sometimes' as 'skip' })).toThrow(
      'overlap must be skip, queue or allow',
    )
  })
})
