/**
 * The job modules of bench scenarios 13 and 14: scenario 5's filter → map → CSV over a byte range
 * or a file, and a CPU-heavy variant (a SHA-256 chain per row) for the NATS workers.
 */
import { createHash } from 'node:crypto'
import { filter, fromCsv, map, pipe, toCsv } from '../../src/index.js'
import type { RangeTask, Task, TaskBuild } from '../../src/integrations/distributed/index.js'
import { clean, keep, type Row } from '../jobs.js'

interface BenchTask extends Task {
  readonly path: string
  readonly start?: number
  readonly end?: number
}

const rangeOf = (task: BenchTask): { range?: { start: number; end: number } } =>
  task.start === undefined || task.end === undefined
    ? {}
    : { range: { start: task.start, end: task.end } }

/** Scenario 5's job on one task. */
export const build: TaskBuild<RangeTask> = (task, context) =>
  pipe(
    fromCsv(task.path, rangeOf(task)),
    filter(keep),
    map(clean),
    toCsv(context.output, { signal: context.signal }),
  )

/** 200 rounds of SHA-256 over each kept row: CPU-bound work per record. */
export function heavy(row: Row): Row {
  let digest = row['email'] ?? ''
  for (let round = 0; round < 200; round++)
    digest = createHash('sha256').update(digest).digest('hex')
  return { ...row, digest }
}

/** Scenario 14's job on one file. */
export const buildHeavy: TaskBuild<BenchTask> = (task, context) =>
  pipe(
    fromCsv(task.path, rangeOf(task)),
    filter(keep),
    map(heavy),
    toCsv(context.output, { signal: context.signal }),
  )
