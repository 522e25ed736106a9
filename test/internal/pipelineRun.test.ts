import { pipe } from 'fp-ts/lib/function.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { describe, expect, it } from 'vitest'
import { historyEntry, runPipelineOnce, summaryLine } from '../../src/internal/pipelineRun.js'
import { definePipeline } from '../../src/pipelines/definePipeline.js'
import { map } from '../../src/operators/map.js'
import { failFast } from '../../src/policies/failFast.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'

const numbers = definePipeline({
  name: 'numbers',
  run: (ctx) =>
    pipe(
      fromGenerator(Array.from({ length: 15 }, (_, n) => n)),
      map((n) => {
        if (ctx.params['fail'] === 'yes' && n === 3) throw new Error('three')
        if (ctx.params['many'] === 'yes' && n > 1) throw new Error(`bad ${n}`)
        return n
      }),
      ctx.params['fail'] === 'yes' ? failFast() : (flow) => flow,
      toArray({ ...ctx.runOptions }),
    ),
})

describe('runPipelineOnce', () => {
  it('resolves with the report of a completed run, giving the run its name and signal', async () => {
    const controller = new AbortController()
    const outcome = await runPipelineOnce(numbers, { signal: controller.signal })
    expect(outcome.status).toBe('completed')
    expect(outcome.report).toMatchObject({ name: 'numbers', written: 15 })
    expect(outcome.error).toBeUndefined()
  })

  it('resolves, never rejects, with the partial report of a failed run', async () => {
    const outcome = await runPipelineOnce(numbers, {
      signal: new AbortController().signal,
      params: { fail: 'yes' },
    })
    expect(outcome.status).toBe('failed')
    expect(outcome.report?.status).toBe('failed')
    expect(outcome.error?.message).toContain('three')
  })

  it('says failed, without a report, when the pipeline throws or resolves to something else', async () => {
    const throws = definePipeline({ name: 'throws', run: () => Promise.reject(new Error('no')) })
    const odd = definePipeline({
      name: 'odd',
      run: async () => 42 as unknown as RunReport,
    })
    const signal = new AbortController().signal
    const [first, second] = await Promise.all([
      runPipelineOnce(throws, { signal }),
      runPipelineOnce(odd, { signal }),
    ])
    expect(first).toMatchObject({ status: 'failed', report: undefined })
    expect(first.error?.message).toBe('no')
    expect(second.error?.message).toBe('pipeline odd: run must resolve to a run report')
  })
})

describe('historyEntry', () => {
  it('keeps the counts and the first ten failures, tag and message', async () => {
    const outcome = await runPipelineOnce(numbers, {
      signal: new AbortController().signal,
      params: { many: 'yes' },
    })
    const entry = historyEntry('numbers', outcome, { scheduledAt: '2026-12-05T12:00:00.000Z' })

    expect(entry).toMatchObject({
      name: 'numbers',
      status: 'completed',
      read: 15,
      written: 2,
      failed: 13,
      failuresOmitted: 3,
      scheduledAt: '2026-12-05T12:00:00.000Z',
    })
    expect(entry.failures).toHaveLength(10)
    expect(entry.failures[0]).toEqual({
      _tag: 'TransformError',
      message: expect.stringContaining('bad 2'),
    })
    expect(entry.read).toBe(
      entry.written + entry.dropped + entry.merged + entry.failed - entry.created,
    )
    expect(summaryLine(entry)).toMatch(
      /^numbers completed in [\d.]+ s — read 15, written 2, dropped 0, merged 0, created 0, failed 13$/,
    )
  })
})
