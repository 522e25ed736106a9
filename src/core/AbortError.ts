import type { RunReport } from './RunReport.js'

/**
 * The error a run rejects with when its `signal` aborts. Carries the `report` (status `aborted`).
 *
 * @category core
 * @since 0.1.0
 */
export class AbortError extends Error {
  override readonly name: string = 'AbortError'
  report: RunReport | undefined = undefined
}
