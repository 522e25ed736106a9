import { describe, expect, it } from 'vitest'
import type { Failure } from '../../../src/core/Failure.js'
import { buildReport, closeBooks } from '../../../src/internal/run/buildReport.js'
import { Ledger } from '../../../src/internal/run/Ledger.js'
import { RunContext } from '../../../src/internal/run/RunContext.js'
import { expectBalanced } from '../../support/ledger.js'

const settings = {
  name: 'run',
  highWaterMark: 10,
  highWaterBytes: Number.POSITIVE_INFINITY,
  failureCap: 10,
  stallTimeoutMs: 1_000,
  hooks: {},
}

describe('closeBooks', () => {
  it('counts as read, with a LedgerWarning naming fromObservable, records settled that no stage counted', () => {
    const run = new RunContext(settings)
    const sink = run.openStage('sink', 'sink', 1)
    sink.receive(2)
    sink.write(2)
    const report = run.report('completed')
    expect(report.read).toBe(2)
    const warnings = report.failures.filter((f) => f._tag === 'LedgerWarning')
    expect(warnings.map((f) => f.message).join()).toContain('fromObservable')
    expectBalanced(report)
  })

  it('drops what is unsettled as unaccounted, with a warning, when the run completed', () => {
    const ledger = new Ledger()
    ledger.addRead(3)
    ledger.hold(1)
    const warnings: Failure[] = []
    closeBooks(ledger, 'completed', 'run', (warning) => warnings.push(warning))
    expect(ledger.droppedByReason).toEqual({ unaccounted: 3 })
    expect(warnings[0]?.message).toMatch(
      /3 records vanished inside a plain rxjs operator; wrap it with rx\(operator\)/,
    )
  })

  it('drops what is unsettled as aborted, without a warning, when the run stopped', () => {
    const ledger = new Ledger()
    ledger.addRead(2)
    ledger.toUncommitted(1)
    const warnings: Failure[] = []
    closeBooks(ledger, 'aborted', 'run', (warning) => warnings.push(warning))
    expect(ledger.droppedByReason).toEqual({ aborted: 2 })
    expect(warnings).toEqual([])
  })
})

describe('buildReport', () => {
  it("reports the ledger's figures, the stages, the failures and the sections", () => {
    const run = new RunContext(settings)
    const source = run.openStage('source', 'source', 0)
    source.read({ _tag: 'Right' })
    run.ledger.settleOpen('written', 1)
    const startedAt = new Date(Date.now() - 5)
    const report = buildReport({
      name: 'run',
      status: 'completed',
      ledger: run.ledger,
      failures: [],
      failuresOmitted: 0,
      stages: run.stages,
      startedAt,
      sections: { extra: { a: 1 } },
    })
    expect(report).toMatchObject({
      name: 'run',
      status: 'completed',
      read: 1,
      written: 1,
      maxInFlight: 1,
      extra: { a: 1 },
      startedAt: startedAt.toISOString(),
    })
    expect(report.stages.map((stage) => stage.name)).toEqual(['source'])
    expect(report.durationMs).toBeGreaterThanOrEqual(0)
  })
})
