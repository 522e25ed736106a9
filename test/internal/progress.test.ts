import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/sinks/toArray.js'
import { summaryTable } from '../../src/internal/progress.js'
import type { RunReport } from '../../src/core/RunReport.js'
import { collectText } from '../support/secrets.js'

const report = (overrides: Partial<RunReport> = {}): RunReport =>
  ({
    name: 'nightly',
    status: 'completed',
    read: 10,
    created: 1,
    written: 7,
    dropped: 2,
    droppedByReason: { filtered: 2 },
    merged: 1,
    failed: 1,
    failures: [],
    failuresOmitted: 0,
    stages: [
      {
        name: 'fromCsv',
        kind: 'source',
        in: 10,
        out: 10,
        dropped: 0,
        failed: 0,
        created: 0,
        merged: 0,
        wallMs: 120,
        durationMs: 120,
      },
      {
        name: 'a long stage name',
        kind: 'operator',
        in: 10,
        out: 7,
        dropped: 2,
        failed: 1,
        created: 1,
        merged: 1,
        busyMs: 4,
        wallMs: 118,
        durationMs: 118,
      },
    ],
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.234Z',
    durationMs: 1234,
    maxInFlight: 3,
    ...overrides,
  }) as unknown as RunReport

describe('summaryTable', () => {
  it('gives the totals, then one aligned row per stage with busy and wall time', () => {
    expect(summaryTable(report())).toBe(
      'nightly completed in 1.23 s — read 10, created 1, written 7, dropped 2 (filtered 2), merged 1, failed 1\n' +
        'stage              in  out  dropped  failed  created  merged  busy ms  wall ms\n' +
        'fromCsv            10   10        0       0        0       0        -      120\n' +
        'a long stage name  10    7        2       1        1       1        4      118\n',
    )
  })

  it('leaves out the reasons when nothing was dropped', () => {
    const text = summaryTable(report({ dropped: 0, droppedByReason: {}, stages: [] }))
    expect(text.split('\n')[0]).toContain('dropped 0, merged 1')
  })
})

describe('startProgress', () => {
  it('writes periodic lines and the summary table to the stream it is given', async () => {
    const out = collectText()
    const run = await pipe(
      fromGenerator(async function* () {
        for (let n = 0; n < 20; n++) {
          await new Promise((resolve) => setTimeout(resolve, 2))
          yield n
        }
      }),
      map((n: number) => n),
      toArray({ name: 'counting', progress: { stream: out.stream, intervalMs: 5 } }),
    )
    await new Promise((resolve) => setImmediate(resolve))
    const text = out.text()
    expect(text).toMatch(
      /^counting: read [\d,]+ · written [\d,]+ · failed 0 · [\d,]+ rec\/s · [\d.]+ s$/m,
    )
    expect(text).toContain(summaryTable(run).split('\n')[1])
    expect(text).toContain('counting completed in')
  })

  it('writes no summary when summary is false', async () => {
    const out = collectText()
    await pipe(
      fromGenerator([1, 2]),
      toArray({ progress: { stream: out.stream, intervalMs: 60_000, summary: false } }),
    )
    expect(out.text()).toBe('')
  })

  it('writes nothing when progress is off', async () => {
    const out = collectText()
    await pipe(fromGenerator([1, 2]), toArray({ progress: false }))
    expect(out.text()).toBe('')
  })
})
