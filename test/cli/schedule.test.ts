import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  jsonLines,
  powerflow,
  powerflowRun,
  temporaryFolder,
  until,
  writePipeline,
} from '../support/powerflowCommand.js'

let folder: { path: string; remove(): void }
const at = (name: string): string => join(folder.path, name)

beforeAll(() => {
  folder = temporaryFolder('cli-schedule')
  writePipeline(
    folder.path,
    'tick.ts',
    `export default pf.definePipeline({
      name: 'tick',
      run: (ctx) => pf.pipe(pf.fromGenerator([1, 2, 3]), pf.toArray({ ...ctx.runOptions })),
    })`,
  )
  // Takes `ms` milliseconds, or less when its signal aborts it.
  writePipeline(
    folder.path,
    'slow.ts',
    `export default pf.definePipeline({
      name: 'slow',
      run: (ctx) => pf.pipe(
        pf.fromGenerator(async function* () {
          ctx.logger.info('slow run started')
          await new Promise((resolve) => setTimeout(resolve, Number(ctx.params['ms'])))
          yield 1
        }),
        pf.toArray({ ...ctx.runOptions }),
      ),
    })`,
  )
})

afterAll(() => folder.remove())

describe.concurrent('powerflow schedule', { timeout: 60_000 }, () => {
  it('runs on a seconds-level cron, one history line per run, until SIGTERM', async () => {
    const history = at('tick.jsonl')
    const command = powerflow([
      'schedule',
      at('tick.ts'),
      '--cron',
      '* * * * * *',
      '--timezone',
      'UTC',
      '--history',
      history,
    ])
    await until(() => jsonLines(history).length >= 3, 'three history lines')
    command.child.kill('SIGTERM')

    expect(await command.exited()).toBe(0)
    const lines = jsonLines(history)
    expect(lines.length).toBeGreaterThanOrEqual(3)
    for (const line of lines) {
      expect(line).toMatchObject({
        name: 'tick',
        status: 'completed',
        read: 3,
        written: 3,
        failed: 0,
        failures: [],
        durationMs: expect.any(Number),
        startedAt: expect.any(String),
        scheduledAt: expect.any(String),
      })
    }
    // Each run's one-line summary and the next run time.
    expect(command.stdout()).toMatch(
      /\[tick\] tick completed in [\d.]+ s — read 3, written 3, .* · next run \d{4}-/,
    )
    expect(new Set(lines.map((line) => line['scheduledAt'])).size).toBe(lines.length)
  })

  it('skips a run that is due while the previous one is still going, and lets it finish on SIGTERM', async () => {
    const history = at('slow.jsonl')
    const command = powerflow([
      'schedule',
      at('slow.ts'),
      '--cron',
      '* * * * * *',
      '--overlap',
      'skip',
      '--grace',
      '20s',
      '--param',
      'ms=2500',
      '--history',
      history,
    ])
    await command.printed('skipped: the previous run is still going')
    command.child.kill('SIGTERM')

    expect(await command.exited()).toBe(0)
    expect(command.stderr()).toContain('stopping the schedule; the run in progress has 20000 ms')
    const lines = jsonLines(history)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ name: 'slow', status: 'completed', written: 1 })
    expect(command.stdout().match(/slow run started/g)).toHaveLength(1)
  })

  it('aborts a run still going when the grace period is over', async () => {
    const history = at('graceless.jsonl')
    const command = powerflow([
      'schedule',
      at('slow.ts'),
      '--cron',
      '* * * * * *',
      '--grace',
      '100ms',
      '--param',
      'ms=60000',
      '--history',
      history,
    ])
    await command.printed('slow run started')
    command.child.kill('SIGTERM')

    expect(await command.exited()).toBe(0)
    expect(jsonLines(history)).toEqual([
      expect.objectContaining({ name: 'slow', status: 'aborted', error: expect.any(String) }),
    ])
  })

  it('exits 2 on a cron expression it cannot read, or no --cron', async () => {
    const [bad, none] = await Promise.all([
      powerflowRun(['schedule', at('tick.ts'), '--cron', 'every monday']),
      powerflowRun(['schedule', at('tick.ts')]),
    ])

    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('invalid cron "every monday"')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('needs --cron')
  })
})
