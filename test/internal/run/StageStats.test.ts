import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { StageStats } from '../../../src/internal/run/StageStats.js'

const stage = (): StageStats => new StageStats('map', 'operator', 1, 2)

describe('StageStats', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('reports a new stage with zero figures, its name and kind, and no optional fields', () => {
    const report = stage().toReport()
    expect(report).toEqual({
      name: 'map',
      kind: 'operator',
      in: 0,
      out: 0,
      dropped: 0,
      failed: 0,
      created: 0,
      merged: 0,
      wallMs: expect.any(Number),
      durationMs: report.wallMs,
    })
  })

  it('counts what is inside the stage: received and made, less every outcome', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 100 }), { minLength: 6, maxLength: 6 }), (figures) => {
        const stats = stage()
        const [received, made, out, dropped, merged, failed] = figures as [
          number,
          number,
          number,
          number,
          number,
          number,
        ]
        Object.assign(stats, { in: received, created: made, out, dropped, merged, failed })
        expect(stats.remainder()).toBe(received + made - out - dropped - merged - failed)
      }),
    )
  })

  it('drops what remains inside when the run stops, and nothing when nothing remains', () => {
    const stats = stage()
    Object.assign(stats, { in: 10, created: 2, out: 6, failed: 1 })
    stats.dropRemainder()
    expect(stats.dropped).toBe(5)
    expect(stats.remainder()).toBe(0)
    stats.dropRemainder()
    expect(stats.dropped).toBe(5)
    // More out than in (a count another stage settles) is not undone by a negative drop.
    const ahead = stage()
    Object.assign(ahead, { in: 1, out: 3 })
    ahead.dropRemainder()
    expect(ahead.dropped).toBe(0)
  })

  it('adds the figures of an earlier part of the run, keeping held and cancelled as they are', () => {
    const stats = stage()
    Object.assign(stats, { in: 1, out: 1, held: 4, cancelled: 2 })
    stats.addEarlier({ in: 10, out: 7, dropped: 1, failed: 1, created: 3, merged: 4 })
    expect(stats.toReport()).toMatchObject({
      in: 11,
      out: 8,
      dropped: 1,
      failed: 1,
      created: 3,
      merged: 4,
    })
    expect([stats.held, stats.cancelled]).toEqual([4, 2])
  })

  it('reports cancelled records, busy time and details only when there are some', () => {
    const stats = stage()
    stats.cancelled = 3
    stats.busy.add(12.4)
    stats.details = { blankLines: 2 }
    expect(stats.toReport()).toMatchObject({ cancelled: 3, busyMs: 12, details: { blankLines: 2 } })
  })

  it('stops its wall clock at the first finish', () => {
    let now = 1000
    vi.spyOn(performance, 'now').mockImplementation(() => now)
    const stats = stage()
    now = 1250
    expect(stats.isFinished).toBe(false)
    expect(stats.toReport().wallMs).toBe(250)
    now = 1400
    stats.finish()
    now = 9000
    stats.finish()
    expect(stats.isFinished).toBe(true)
    expect(stats.toReport()).toMatchObject({ wallMs: 400, durationMs: 400 })
  })

  it('keeps where it stands among the stages', () => {
    const stats = new StageStats('toCsv', 'sink', 3, 7)
    expect([stats.name, stats.kind, stats.depth, stats.order]).toEqual(['toCsv', 'sink', 3, 7])
  })
})
