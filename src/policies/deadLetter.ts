import { Observable, type Subscriber } from 'rxjs'
import { right, type Either } from 'fp-ts/lib/Either.js'
import { describeError, type Failure, type Location } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import type { Sink } from '../core/Sink.js'
import { policyOperator } from '../internal/policyOperator.js'
import { RunError } from '../core/RunError.js'
import { pushSource } from '../internal/pushSource.js'
import { jsonSafe } from '../internal/jsonSafe.js'

/**
 * A failure as the dead-letter sink receives it: plain, serialisable data (in `record` and
 * `details`, a BigInt becomes its decimal string and a circular reference the text `[Circular]`).
 *
 * @category policies
 * @since 0.1.0
 */
export interface DeadLetterRecord {
  readonly _tag: string
  readonly stage: string
  readonly message: string
  readonly record?: unknown
  readonly raw?: string
  readonly location?: Location
  readonly cause?: string
  readonly details?: Readonly<Record<string, unknown>>
}

/**
 * Options of {@link deadLetter}.
 *
 * @category policies
 * @since 0.1.0
 */
export interface DeadLetterOptions {
  /** End the run like fail-fast once it has more failures than this. */
  readonly maxFailures?: number
}

/**
 * The dead-letter policy: every failure of the run is also written, as a {@link DeadLetterRecord},
 * to another sink (an NDJSON file, say). Dead-lettered records still count as `failed` in the main
 * report, and the dead-letter run's own report is in `report.deadLetter`. The main run settles only
 * after the dead-letter sink has finished; on abort or failure it is completed, so nothing already
 * sent to it is lost. If the dead-letter sink fails while the run is going (say its directory does
 * not exist), the main run stops and rejects saying so. The dead-letter flow is pushed, not pulled: it is not backpressured.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, map, deadLetter, toArray } from 'powerflow-etl'
 *
 * const rejects = toArray<unknown>()
 * const report = await pipe(
 *   fromGenerator([1, 2, 3]),
 *   map((n: number) => {
 *     if (n === 2) throw new Error('two is not allowed')
 *     return n
 *   }),
 *   deadLetter(rejects),
 *   toArray(),
 * )
 * console.assert(report.failed === 1 && report.deadLetter?.written === 1)
 * ```
 *
 * @param sink - any sink; it receives the run's failures as records
 * @category policies
 * @since 0.1.0
 */
export function deadLetter(
  sink: Sink<DeadLetterRecord>,
  options: DeadLetterOptions = {},
): <A>(input: Flow<A>) => Flow<A> {
  return policyOperator((run) => ({
    kind: 'deadLetter',
    ...(options.maxFailures === undefined ? {} : { maxFailures: options.maxFailures }),
    open() {
      // Failures may arrive before the dead-letter sink has opened its file and subscribed: they
      // wait here until it does.
      const waiting: DeadLetterRecord[] = []
      let target: Subscriber<Either<Failure, DeadLetterRecord>> | undefined
      let completed = false
      const failures = new Observable<Either<Failure, DeadLetterRecord>>((subscriber) => {
        target = subscriber
        for (const record of waiting.splice(0)) subscriber.next(right(record))
        if (completed) subscriber.complete()
        return () => {
          target = undefined
        }
      })
      const done = run.outside(() => sink(pushSource('deadLetter', failures)))
      // A dead-letter sink that fails during the run (its file cannot be opened or written) is an
      // infrastructure fault: the main run stops, rather than go on losing its failures. Its
      // error is reported when the main run finishes; never an unhandled rejection before that.
      done.catch((error: unknown) => {
        if (completed) return
        run.fail(
          new RunError(
            `deadLetter: the dead-letter sink failed: ${describeError(error)}`,
            undefined,
            {
              cause: error,
            },
          ),
        )
      })
      return {
        push(failure) {
          const record = toDeadLetterRecord(failure)
          if (target === undefined) waiting.push(record)
          else target.next(right(record))
        },
        async finish() {
          completed = true
          target?.complete()
          return done
        },
      }
    },
  }))
}

function toDeadLetterRecord(failure: Failure): DeadLetterRecord {
  return {
    _tag: failure._tag,
    stage: failure.stage,
    message: failure.message,
    // The letter must reach the file even when the record holds a BigInt or a cycle.
    ...(failure.record === undefined ? {} : { record: jsonSafe(failure.record) }),
    ...(failure.raw === undefined ? {} : { raw: failure.raw }),
    ...(failure.location === undefined ? {} : { location: failure.location }),
    ...(failure.cause === undefined ? {} : { cause: describeError(failure.cause) }),
    ...(failure.details === undefined
      ? {}
      : { details: jsonSafe(failure.details) as Readonly<Record<string, unknown>> }),
  }
}
