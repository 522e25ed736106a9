import type { FailureTag } from '../core/Failure.js'
import type { RunStatus } from '../core/RunReport.js'

/**
 * One run of a scheduled or watched pipeline, as kept in a job's `history` and written, one JSON
 * object per line, to a history file (`powerflow schedule --history runs.jsonl`). The counts come
 * from the run's report; a run that failed before it had one (the pipeline threw while starting)
 * has zero counts and its `error`.
 *
 * @category pipelines
 * @since 0.2.0
 */
export interface RunHistoryEntry {
  /** The pipeline's name. */
  readonly name: string
  readonly status: RunStatus
  /** ISO 8601 timestamps of the run. */
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly read: number
  readonly written: number
  readonly dropped: number
  readonly droppedByReason: Readonly<Record<string, number>>
  readonly merged: number
  readonly created: number
  readonly failed: number
  /** The first failures of the report (up to 10), tag and message only. */
  readonly failures: ReadonlyArray<{ readonly _tag: FailureTag; readonly message: string }>
  /** Failures of the report not listed in `failures`. */
  readonly failuresOmitted: number
  /** Why the run did not complete: the message the run rejected with. */
  readonly error?: string
  /** The time the schedule planned this run for (`schedule`). */
  readonly scheduledAt?: string
  /** The file the run processed, where it was found (`watchFolder`). */
  readonly file?: string
  /** Where the file was moved after the run (`watchFolder`). */
  readonly movedTo?: string
}
