import { inspect } from 'node:util'
import type { Sink } from '../core/Sink.js'
import type { RunOptions } from '../core/RunOptions.js'
import { runSink } from '../internal/runSink.js'
import { RunError } from '../core/RunError.js'
import { describeError } from '../core/Failure.js'

/**
 * Options of {@link toConsole}.
 *
 * @category sinks
 * @since 0.1.0
 */
export interface ToConsoleOptions extends RunOptions {
  /** How many records to print (default 10); the rest are counted: `… and N more records`. */
  readonly limit?: number
  /** Where to print (default `process.stdout`). */
  readonly stream?: NodeJS.WritableStream
  /** Print each record as one line of JSON instead of a pretty, coloured inspection. */
  readonly json?: boolean
}

/**
 * A sink that prints records, pretty by default, up to `limit` (default 10), then
 * `… and N more records`. Every record counts as written (shown or counted). A stream that fails
 * (EPIPE when the output is piped into `head`) fails the run with an error that says so.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, toConsole } from 'powerflow-etl'
 *
 * const report = await pipe(fromGenerator([{ id: 1 }, { id: 2 }]), toConsole({ limit: 1 }))
 * console.assert(report.written === 2)
 * ```
 *
 * @category sinks
 * @since 0.1.0
 */
export function toConsole<A>(options: ToConsoleOptions = {}): Sink<A> {
  const limit = options.limit ?? 10
  return (flow) =>
    runSink<A>(flow, 'toConsole', options, (stage) => {
      const stream = options.stream ?? process.stdout
      const colors = options.json !== true && (stream as { isTTY?: boolean }).isTTY === true
      let count = 0
      // A stream that fails (EPIPE when the output is piped into `head`) fails the run saying so,
      // rather than crash the process with an unhandled 'error' event.
      const onError = (error: Error): void => {
        stage.fault(
          new RunError(`toConsole: cannot write: ${describeError(error)}`, undefined, {
            cause: error,
          }),
        )
      }
      stream.on('error', onError)
      // An error event follows a failed write on a later tick: keep listening until then.
      const stopListening = (): void => {
        setImmediate(() => stream.removeListener('error', onError))
      }
      return {
        write(record) {
          count += 1
          if (count <= limit)
            stream.write(
              `${options.json === true ? JSON.stringify(record) : inspect(record, { colors, depth: 4, breakLength: 120 })}\n`,
            )
          stage.write()
        },
        async end() {
          const last = count > limit ? `… and ${count - limit} more records\n` : ''
          // Wait until the output is handed over, and a turn more for its error event, if any.
          await new Promise<void>((resolve) => stream.write(last, () => resolve()))
          await new Promise<void>((resolve) => setImmediate(resolve))
          stopListening()
        },
        async abort() {
          stopListening()
        },
      }
    })
}
