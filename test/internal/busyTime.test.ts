import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { BusyClock, SAMPLE_EVERY } from '../../src/internal/busyTime.js'
import { summaryTable } from '../../src/internal/progress.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/sinks/toArray.js'

function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // busy on purpose: this stage is slow
  }
}

describe('BusyClock', () => {
  it('measures nothing until it is given time', () => {
    expect(new BusyClock().ms).toBeUndefined()
  })

  it('applies the average of the sampled calls to every call', () => {
    const clock = new BusyClock()
    let sampled = 0
    for (let call = 0; call < 10 * SAMPLE_EVERY; call++)
      if (clock.sample()) {
        sampled += 1
        clock.addSample(2)
      }
    expect(sampled).toBeLessThan(10 * SAMPLE_EVERY)
    expect(clock.ms).toBe(2 * 10 * SAMPLE_EVERY)
  })

  it('counts overlapping spans of awaited work once', () => {
    const clock = new BusyClock()
    clock.addSpan(0, 10)
    clock.addSpan(5, 20)
    clock.addSpan(8, 12)
    clock.add(3)
    expect(clock.ms).toBe(23)
  })
})

describe('the busy time of stages', () => {
  it("reports each stage's own busy time beside its wall time, downstream time left out", async () => {
    const report = await pipe(
      fromGenerator(Array.from({ length: 40 }, (_, n) => n)),
      map((n: number) => n, { name: 'quick' }),
      map(
        (n: number) => {
          spin(2)
          return n
        },
        { name: 'slow' },
      ),
      toArray(),
    )
    const stage = (name: string) => report.stages.find((each) => each.name === name)
    expect(stage('slow')?.busyMs).toBeGreaterThanOrEqual(60)
    expect(stage('quick')?.busyMs).toBeLessThan(stage('slow')?.busyMs ?? 0)
    for (const each of report.stages) {
      expect(each.busyMs, each.name).toBeTypeOf('number')
      expect(each.wallMs).toBe(each.durationMs)
    }
    const table = summaryTable(report)
    expect(table).toContain('busy ms')
    expect(table).toContain('wall ms')
  })
})
