/**
 * Calls a run's hooks. A hook that throws, or returns a promise that rejects, is reported as a
 * HookError and changes nothing else. A hook's promise is not awaited by the stages (hooks
 * observe, they do not hold the run up), but the run waits for it before it settles, at most a
 * given patience.
 *
 * @internal
 * @packageDocumentation
 */
import type { RunHooks } from '../../core/RunOptions.js'
import { describeError, failure, type Failure } from '../../core/Failure.js'
import { timerDelay } from './timerDelay.js'

/** @internal */
export class HookRunner {
  /** Hooks that returned a promise not settled yet. */
  private readonly pending = new Set<Promise<void>>()

  /** `report` keeps a HookError in the run's report; `runName` names the run in it. */
  constructor(
    private readonly runName: string,
    private readonly report: (failure: Failure) => void,
  ) {}

  /** Calls `hook` through `call`. */
  call(hook: keyof RunHooks, call: () => void | Promise<void>): void {
    let returned: void | Promise<void>
    try {
      returned = call()
    } catch (error) {
      this.failed(hook, 'threw', error)
      return
    }
    if (!isPromiseLike(returned)) return
    const pending: Promise<void> = Promise.resolve(returned).then(
      () => {
        this.pending.delete(pending)
      },
      (error: unknown) => {
        this.pending.delete(pending)
        this.failed(hook, 'rejected', error)
      },
    )
    this.pending.add(pending)
  }

  /** Waits for the hooks' pending promises, at most `patienceMs`; the late ones are reported. */
  async settle(patienceMs: number): Promise<void> {
    if (this.pending.size === 0) return
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timerDelay(patienceMs))
    })
    while (this.pending.size > 0) {
      const outcome = await Promise.race([Promise.all(this.pending), late])
      if (outcome === 'late') {
        this.report(
          failure('HookError', {
            stage: this.runName,
            reason: `${this.pending.size} hook promises had not settled ${Math.round(patienceMs)} ms after the run ended; the run did not wait for them`,
          }),
        )
        this.pending.clear()
      }
    }
    clearTimeout(timer)
  }

  private failed(hook: keyof RunHooks, how: 'threw' | 'rejected', error: unknown): void {
    this.report(
      failure('HookError', {
        stage: this.runName,
        reason: `hook ${hook} ${how}: ${describeError(error)}`,
        cause: error,
      }),
    )
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
