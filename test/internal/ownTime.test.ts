import { describe, expect, it } from 'vitest'
import { BusyClock } from '../../src/internal/busyTime.js'
import { OwnTime } from '../../src/internal/ownTime.js'

function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until);
}

describe('OwnTime', () => {
  it("takes the time spent downstream out of the stage's own", () => {
    const time = new OwnTime()
    const started = time.start()
    spin(5)
    time.send({ next: () => spin(20) }, 'value')
    const own = time.stop(started)
    expect(own).toBeGreaterThanOrEqual(4)
    expect(own).toBeLessThan(20)
  })

  it('samples a call only when the clock says so, and never inside a timed call', () => {
    const time = new OwnTime()
    const clock = new BusyClock()
    expect(time.samples(clock)).toBe(true)
    time.start()
    expect(time.samples(clock)).toBe(false)
  })

  it('sends at once when nothing is timed', () => {
    const sent: string[] = []
    new OwnTime().send({ next: (value: string) => sent.push(value) }, 'a')
    expect(sent).toEqual(['a'])
  })
})
