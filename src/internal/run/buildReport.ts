/**
 * Closing a run's books and writing its report.
 *
 * @internal
 * @packageDocumentation
 */
import { failure, type Failure } from '../../core/Failure.js'
import type { RunReport, RunStatus } from '../../core/RunReport.js'
import type { Ledger } from './Ledger.js'
import type { StageStats } from './StageStats.js'

/**
 * Closes the ledger: records that entered uncounted are counted as read (with a LedgerWarning);
 * whatever is still open, held or uncommitted is dropped — with reason `aborted` when the run
 * stopped early, or `unaccounted` (with a LedgerWarning) when it completed, which only happens
 * when a plain rxjs operator lost records.
 *
 * @internal
 */
export function closeBooks(
  ledger: Ledger,
  status: RunStatus,
  runName: string,
  warn: (warning: Failure) => void,
): void {
  const uncounted = ledger.countUncounted()
  if (uncounted > 0)
    warn(
      failure('LedgerWarning', {
        stage: runName,
        reason: `${uncounted} records entered the run from a plain Observable where PowerFlow could not count them, and are counted as read at the end; wrap the Observable with fromObservable(observable)`,
      }),
    )
  const leftover = ledger.unsettled()
  if (leftover <= 0) return
  if (status === 'completed')
    warn(
      failure('LedgerWarning', {
        stage: runName,
        reason: `${leftover} records vanished inside a plain rxjs operator; wrap it with rx(operator) to account for them`,
      }),
    )
  ledger.dropUnsettled(status === 'completed' ? 'unaccounted' : 'aborted')
}

/** What a run's report is made of. @internal */
export interface ReportParts {
  readonly name: string
  readonly status: RunStatus
  readonly ledger: Ledger
  readonly failures: readonly Failure[]
  readonly failuresOmitted: number
  /** Source-first. */
  readonly stages: readonly StageStats[]
  readonly startedAt: Date
  readonly sections: Record<string, unknown>
}

/** The run's report, from its closed books. @internal */
export function buildReport(parts: ReportParts): RunReport {
  const { ledger, startedAt } = parts
  const finished = new Date()
  return {
    name: parts.name,
    status: parts.status,
    read: ledger.read,
    written: ledger.written,
    dropped: ledger.dropped,
    droppedByReason: ledger.droppedByReason,
    failed: ledger.failed,
    failures: [...parts.failures],
    failuresOmitted: parts.failuresOmitted,
    created: ledger.created,
    merged: ledger.merged,
    stages: parts.stages.map((stats) => stats.toReport()),
    startedAt: startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - startedAt.getTime(),
    maxInFlight: ledger.maxInFlight,
    ...parts.sections,
  }
}
