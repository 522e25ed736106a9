import type { Failure } from './Failure.js'
import type { RunReport } from './RunReport.js'

/**
 * The error a run rejects with when it fails: fail-fast, `maxFailures`, or an infrastructure fault.
 * Carries the partial `report` and, for per-record failures, the `failure`.
 *
 * @category core
 * @since 0.1.0
 */
export class RunError extends Error {
  override readonly name: string = 'RunError'
  report: RunReport | undefined = undefined
  constructor(
    message: string,
    readonly failure?: Failure,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
