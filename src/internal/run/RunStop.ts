/**
 * Why a run stopped early (fail-fast, too many failures, an abort, an infrastructure error).
 *
 * @internal
 * @packageDocumentation
 */
import type { RunStatus } from '../../core/RunReport.js'

/** @internal */
export class RunStop {
  constructor(
    readonly status: Exclude<RunStatus, 'completed'>,
    readonly error: Error,
  ) {}
}
