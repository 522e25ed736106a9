/**
 * A run's failures: the list its report keeps (up to `failureCap`, then only counted), and its
 * policy — collect them, stop at the first (`failFast`), or send them to a dead-letter sink — with
 * `maxFailures` as the stop line.
 *
 * @internal
 * @packageDocumentation
 */
import type { Failure } from '../../core/Failure.js'
import type { RunReport } from '../../core/RunReport.js'
import { RunError } from '../../core/RunError.js'
import { RunStop } from './RunStop.js'

/** What a policy operator registers with the run. @internal */
export type PolicyConfig =
  | { readonly kind: 'collect'; readonly maxFailures?: number }
  | { readonly kind: 'failFast' }
  | {
      readonly kind: 'deadLetter'
      readonly maxFailures?: number
      /** Starts the dead-letter run; returns a push function, a finish function and the run. */
      readonly open: () => DeadLetterChannel
    }

/** @internal */
export interface DeadLetterChannel {
  readonly push: (failure: Failure) => void
  /** Completes the dead-letter flow and waits for its sink. */
  readonly finish: () => Promise<RunReport | undefined>
}

/** @internal */
export class FailurePolicy {
  private readonly kept: Failure[] = []
  private omitted = 0
  private config: PolicyConfig | undefined = undefined
  private deadLetters: DeadLetterChannel | undefined = undefined

  constructor(
    private readonly runName: string,
    private readonly failureCap: number,
  ) {}

  get policy(): PolicyConfig | undefined {
    return this.config
  }

  /** The failures the report lists (a read-only view). */
  get failures(): readonly Failure[] {
    return this.kept
  }

  /** Failures beyond `failureCap`: counted, not listed. */
  get failuresOmitted(): number {
    return this.omitted
  }

  /** Registers the run's policy; a second one is an error. */
  set(policy: PolicyConfig): void {
    if (this.config !== undefined)
      throw new Error(
        `${this.runName}: two failure policies in one run (${this.config.kind} and ${policy.kind}); a run has one policy`,
      )
    this.config = policy
    if (policy.kind === 'deadLetter') this.deadLetters = policy.open()
  }

  /** Adds a failure to the report's list, or counts it as omitted once the list is full. */
  keep(failure: Failure): void {
    if (this.kept.length < this.failureCap) this.kept.push(failure)
    else this.omitted += 1
  }

  /**
   * Applies the policy to a failure just counted, `failedSoFar` being the run's failures with
   * it: returns why the run must stop, if it must.
   */
  apply(failure: Failure, failedSoFar: number): RunStop | undefined {
    const policy = this.config
    if (policy?.kind === 'failFast')
      return new RunStop('failed', new RunError(failure.message, failure))
    if (policy?.kind === 'deadLetter') this.deadLetters?.push(failure)
    const max = policy?.maxFailures
    if (max === undefined || failedSoFar <= max) return undefined
    return new RunStop(
      'failed',
      new RunError(
        `${this.runName}: more than ${max} failures (maxFailures); the last: ${failure.message}`,
        failure,
      ),
    )
  }

  /** Finishes the dead-letter run, if any, and returns its report. */
  async finishDeadLetter(): Promise<RunReport | undefined> {
    const channel = this.deadLetters
    this.deadLetters = undefined
    return channel === undefined ? undefined : channel.finish()
  }
}

/**
 * Freezes a failure: the report, the hooks and the dead-letter sink share it, so none may change
 * it for the others. (The offending record is the user's and stays as it is.)
 *
 * @internal
 */
export function freezeFailure(failure: Failure): void {
  if (Object.isFrozen(failure)) return
  if (failure.location !== undefined) Object.freeze(failure.location)
  if (failure.details !== undefined) Object.freeze(failure.details)
  Object.freeze(failure)
}
