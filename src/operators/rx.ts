import { Subject, Subscription, type OperatorFunction } from 'rxjs'
import { isLeft, right } from 'fp-ts/lib/Either.js'
import { describeError } from '../core/Failure.js'
import type { Operator } from '../core/Flow.js'
import { operate } from '../internal/operate.js'
import { refuseCheckpoint } from '../internal/checkpoint/operatorState.js'
import { OwnTime } from '../internal/ownTime.js'

/**
 * Options of {@link rx}.
 *
 * @category operators
 * @since 0.1.0
 */
export interface RxOptions {
  /** The stage name in the report (default `rx`). */
  readonly name?: string
}

/**
 * Runs a plain rxjs operator (`bufferCount`, `delay`, `take`, `distinctUntilChanged`, …) on a
 * Flow's records, keeping the books: failures go around it, records it swallows are counted as
 * dropped (reason `discarded`) when it completes, extra records it emits count as `created`.
 *
 * Records inside the rxjs operator are held outside the run's budget (it cannot tell PowerFlow
 * when it lets go of them), so an operator that holds many records holds them in memory. A plain
 * rxjs operator used *without* `rx` works for 1:1 mappings; one that drops records leaves them
 * unaccounted: they are reported as dropped with reason `unaccounted` and a `LedgerWarning`, and a
 * run whose budget they exhaust fails as stalled (a `RunError`) after `stallTimeoutMs`. An rxjs
 * operator that completes early (`take`) cancels what the stages upstream still hold: those
 * records are dropped with reason `cancelled`. An rxjs operator that throws fails the run with an
 * error naming the stage.
 *
 * @example
 * ```ts
 * import { take } from 'rxjs'
 * import { pipe, fromGenerator, rx, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(fromGenerator([1, 2, 3, 4]), rx(take<number>(2)), toArray())
 * console.assert(report.records.join() === '1,2')
 * ```
 *
 * @category operators
 * @since 0.1.0
 */
export function rx<A, B>(
  operator: OperatorFunction<A, B>,
  options: RxOptions = {},
): Operator<A, B> {
  const name = options.name ?? 'rx'
  return operate<A, B>(name, ({ stage, output, subscribeInput }) => {
    refuseCheckpoint(stage, 'wraps an rxjs operator whose state checkpoints cannot see')
    // Records handed to the rxjs operator and not out of it yet: in the stage's custody.
    let inside = 0
    // An error of the input passes through the rxjs operator as it is; one the operator raises
    // itself names the stage.
    let inputError: { readonly error: unknown } | undefined
    const time = new OwnTime()
    const records = new Subject<A>()
    const subscription = new Subscription()
    subscription.add(
      records.pipe(operator).subscribe({
        next(value) {
          if (inside > 0) {
            inside -= 1
            stage.release()
          } else stage.create()
          stage.emit()
          time.send(output, right(value))
        },
        error: (error: unknown) =>
          output.error(
            inputError !== undefined && inputError.error === error
              ? error
              : new Error(`${name}: the rxjs operator threw: ${describeError(error)}`, {
                  cause: error,
                }),
          ),
        complete() {
          stage.dropHeld('discarded', inside)
          inside = 0
          stage.finish()
          output.complete()
        },
      }),
    )
    subscription.add(
      subscribeInput({
        next(value) {
          if (isLeft(value)) {
            output.next(value)
            return
          }
          stage.receive()
          inside += 1
          stage.hold()
          const sampled = time.samples(stage.busy)
          const started = sampled ? time.start() : 0
          records.next(value.right)
          if (sampled) stage.busy.addSample(time.stop(started))
        },
        error: (error: unknown) => {
          inputError = { error }
          records.error(error)
        },
        complete: () => records.complete(),
      }),
    )
    return subscription
  })
}
