/**
 * Sums the reports of a job's tasks into one job report.
 *
 * @internal
 * @packageDocumentation
 */
import { failure, type Failure } from '../../../core/Failure.js'
import type { RunReport, RunStatus, StageReport } from '../../../core/RunReport.js'
import type { JobReport, TaskOutcome, WorkerTotals } from '../JobReport.js'

const FAILURE_CAP = 1000

type Counts = 'read' | 'written' | 'dropped' | 'failed' | 'created' | 'merged'
const COUNTS: readonly Counts[] = ['read', 'written', 'dropped', 'failed', 'created', 'merged']

function addRecord(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value
}

function mergeStage(into: StageReport | undefined, stage: StageReport): StageReport {
  if (into === undefined) return { ...stage }
  const name = into.name === stage.name ? into.name : commonName(into.name, stage.name)
  const details: Record<string, unknown> = { ...into.details }
  for (const [key, value] of Object.entries(stage.details ?? {}))
    details[key] =
      typeof value === 'number' && typeof details[key] === 'number'
        ? (details[key] as number) + value
        : (details[key] ?? value)
  const cancelled = (into.cancelled ?? 0) + (stage.cancelled ?? 0)
  const busy = (into.busyMs ?? 0) + (stage.busyMs ?? 0)
  return {
    name,
    kind: into.kind,
    in: into.in + stage.in,
    out: into.out + stage.out,
    dropped: into.dropped + stage.dropped,
    failed: into.failed + stage.failed,
    created: into.created + stage.created,
    merged: into.merged + stage.merged,
    ...(cancelled > 0 ? { cancelled } : {}),
    ...(into.busyMs !== undefined || stage.busyMs !== undefined ? { busyMs: busy } : {}),
    wallMs: Math.max(into.wallMs, stage.wallMs),
    durationMs: Math.max(into.durationMs, stage.durationMs),
    ...(Object.keys(details).length > 0 ? { details } : {}),
  }
}

/** The words two stage names share, then `*`: `toCsv a.part` and `toCsv b.part` → `toCsv *`. */
function commonName(first: string, second: string): string {
  const a = first.split(' ')
  const b = second.split(' ')
  let shared = 0
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++
  if (shared === a.length && a[shared - 1] === '*') return first
  return [...a.slice(0, shared), '*'].join(' ')
}

function jobStatus(outcomes: readonly TaskOutcome[]): RunStatus {
  if (outcomes.some((outcome) => outcome.status === 'failed')) return 'failed'
  if (outcomes.some((outcome) => outcome.status === 'aborted')) return 'aborted'
  return 'completed'
}

/** What a job ran, for {@link mergeReports}. @internal */
export interface JobRun {
  readonly name: string
  readonly outcomes: readonly TaskOutcome[]
  readonly startedAt: Date
  readonly redeliveries: number
  readonly deadLettered: readonly string[]
  readonly output: string | undefined
}

/** The job's report: the sums of its tasks' reports. @internal */
export function mergeReports(run: JobRun): JobReport {
  const totals: Record<Counts, number> = {
    read: 0,
    written: 0,
    dropped: 0,
    failed: 0,
    created: 0,
    merged: 0,
  }
  const droppedByReason: Record<string, number> = {}
  const failures: Failure[] = []
  let failuresOmitted = 0
  let maxInFlight = 0
  const stages = new Map<string, StageReport>()
  const workers: Record<string, WorkerTotals> = {}
  const addFailure = (item: Failure): void => {
    if (failures.length < FAILURE_CAP) failures.push(item)
    else failuresOmitted++
  }
  for (const outcome of run.outcomes) {
    const worker = (workers[outcome.worker] ??= {
      tasks: 0,
      read: 0,
      written: 0,
      dropped: 0,
      failed: 0,
      created: 0,
      merged: 0,
    }) as { -readonly [K in keyof WorkerTotals]: number }
    worker.tasks++
    const report: RunReport | undefined = outcome.report
    if (outcome.error !== undefined)
      addFailure(
        failure('TaskError', {
          stage: run.name,
          reason: `task ${outcome.id} failed on ${outcome.worker} after ${outcome.deliveries} deliveries: ${outcome.error}`,
          details: { task: outcome.id, worker: outcome.worker, deliveries: outcome.deliveries },
        }),
      )
    if (report === undefined) continue
    for (const count of COUNTS) {
      totals[count] += report[count]
      worker[count] += report[count]
    }
    addRecord(droppedByReason, report.droppedByReason)
    for (const item of report.failures) addFailure(item)
    failuresOmitted += report.failuresOmitted
    maxInFlight += report.maxInFlight
    // Every task runs the same pipeline: stages are summed by position (their names hold paths).
    report.stages.forEach((stage, index) => {
      const key = `${index}\u0000${stage.kind}`
      stages.set(key, mergeStage(stages.get(key), stage))
    })
  }
  const finishedAt = new Date()
  return {
    name: run.name,
    status: jobStatus(run.outcomes),
    ...totals,
    droppedByReason,
    failures,
    failuresOmitted,
    stages: [...stages.values()],
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - run.startedAt.getTime(),
    maxInFlight,
    tasks: run.outcomes,
    workers,
    redeliveries: run.redeliveries,
    deadLettered: run.deadLettered,
    ...(run.output === undefined ? {} : { output: run.output }),
  }
}
