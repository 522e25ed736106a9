import { Observable, Subject, Subscription, type OperatorFunction } from 'rxjs'
import { isLeft, right, type Either } from 'fp-ts/lib/Either.js'
import { describeError, type Failure } from '../core/Failure.js'
import type { Flow, Operator } from '../core/Flow.js'
import { currentRun } from '../internal/RunContext.js'
import { refuseCheckpoint } from '../internal/checkpoint/operatorState.js'
import { depthOf, withDepth } from '../internal/depth.js'
import { subscribeInput } from '../internal/flowInput.js'

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
  return (input: Flow<A>): Flow<B> => {
    const output = new Observable<Either<Failure, B>>((subscriber) => {
      const run = currentRun()
      const stats = run.stage(name, 'operator', depthOf(input) + 1)
      refuseCheckpoint(run, name, 'wraps an rxjs operator whose state checkpoints cannot see')
      let inside = 0
      // While a sampled record is timed: the time spent downstream, taken out of the stage's own.
      let timing = false
      let downstream = 0
      // An error of the input passes through the rxjs operator as it is; one the operator raises
      // itself names the stage.
      let inputError: { readonly error: unknown } | undefined
      const records = new Subject<A>()
      const subscription = new Subscription()
      subscription.add(
        records.pipe(operator).subscribe({
          next(value) {
            if (inside > 0) {
              inside -= 1
              run.release(1, stats)
            } else {
              stats.created += 1
              run.noteCreated(1)
            }
            stats.out += 1
            if (!timing) {
              subscriber.next(right(value))
              return
            }
            const started = performance.now()
            subscriber.next(right(value))
            downstream += performance.now() - started
          },
          error: (error: unknown) =>
            subscriber.error(
              inputError !== undefined && inputError.error === error
                ? error
                : new Error(`${name}: the rxjs operator threw: ${describeError(error)}`, {
                    cause: error,
                  }),
            ),
          complete() {
            if (inside > 0) {
              stats.dropped += inside
              run.settle('dropped', inside, 'discarded', true, stats)
              inside = 0
            }
            run.finishStage(stats)
            subscriber.complete()
          },
        }),
      )
      subscription.add(
        subscribeInput(run, name, input, {
          next(value) {
            if (isLeft(value)) {
              subscriber.next(value)
              return
            }
            stats.in += 1
            inside += 1
            run.hold(1, stats)
            if (timing || !stats.busy.sample()) {
              records.next(value.right)
              return
            }
            const started = performance.now()
            timing = true
            downstream = 0
            records.next(value.right)
            timing = false
            stats.busy.addSample(performance.now() - started - downstream)
          },
          error: (error: unknown) => {
            inputError = { error }
            records.error(error)
          },
          complete: () => records.complete(),
        }),
      )
      return () => {
        subscription.unsubscribe()
        run.finishStage(stats)
      }
    })
    return withDepth(output, depthOf(input) + 1)
  }
}
