import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { TIMELINE_MAX_SAMPLES, TimelineSampler } from '../../src/internal/timeline.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { defineSink } from '../../src/sinks/defineSink.js'

describe('TimelineSampler', () => {
  it('samples each stage’s output count, summing stages of the same name', async () => {
    const stages = [
      { name: 'source', out: 0 },
      { name: 'map', out: 0 },
      { name: 'map', out: 0 },
    ]
    const sampler = new TimelineSampler({ stages }, 5).start()
    stages[0]!.out = 10
    stages[1]!.out = 4
    stages[2]!.out = 3
    await new Promise((resolve) => setTimeout(resolve, 30))
    sampler.stop()
    const { samples } = sampler.toReport()
    expect(samples[0]?.stages).toEqual({ source: 0, map: 0 })
    expect(samples.at(-1)?.stages).toEqual({ source: 10, map: 7 })
    for (let i = 1; i < samples.length; i++)
      expect(samples[i]!.atMs).toBeGreaterThanOrEqual(samples[i - 1]!.atMs)
  })

  it('keeps a bounded number of samples however long the run', async () => {
    const sampler = new TimelineSampler({ stages: [{ name: 's', out: 1 }] }, 1).start()
    await new Promise((resolve) => setTimeout(resolve, TIMELINE_MAX_SAMPLES * 3))
    sampler.stop()
    expect(sampler.toReport().samples.length).toBeLessThanOrEqual(TIMELINE_MAX_SAMPLES + 1)
    expect(sampler.toReport().samples.length).toBeGreaterThan(TIMELINE_MAX_SAMPLES / 4)
  })

  it('puts a timeline in every run report, ending with what each stage emitted', async () => {
    const report = await pipe(
      fromGenerator(function* () {
        for (let i = 0; i < 500; i++) yield i
      }),
      defineSink<number>({ name: 'slowish', write: () => new Promise((r) => setImmediate(r)) })(),
    )
    const last = report.timeline?.samples.at(-1)
    expect(last?.stages['slowish']).toBe(500)
    expect(report.timeline?.samples.length).toBeGreaterThanOrEqual(2)
  })
})
