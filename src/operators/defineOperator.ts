import { isLeft, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Operator } from '../core/Flow.js'
import { stageOperator } from '../internal/stageOperator.js'

/**
 * What a custom operator implements: `apply` returns the new record, or — when it can reject a
 * record without throwing — an `Either` whose `Left` is a reason (a string or an Error) or a
 * complete {@link Failure}. Returning `undefined` from `applyEither`'s `Right` is a record like any
 * other; to drop records on purpose, use `filter`.
 *
 * @category operators
 * @since 0.1.0
 */
export type OperatorDefinition<A, B> =
  | { readonly name: string; readonly apply: (record: A, index: number) => B }
  | {
      readonly name: string
      readonly applyEither: (record: A, index: number) => Either<Failure | Error | string, B>
    }

/**
 * Defines a custom operator from a per-record function returning a value (`apply`) or an Either
 * (`applyEither`). The operator gets everything PowerFlow's own operators have: failures pass
 * through untouched and in order, a throw becomes a `TransformError` for that record, the stage
 * shows in the report with its counts, and it works in rxjs `.pipe` and fp-ts `pipe` alike.
 *
 * @example
 * ```ts
 * import { left, right } from 'fp-ts/lib/Either.js'
 * import { pipe, fromGenerator, defineOperator, toArray } from 'powerflow-etl'
 *
 * const parseAmount = defineOperator({
 *   name: 'parse amount',
 *   applyEither: (row: { amount: string }) => {
 *     const amount = Number(row.amount)
 *     return Number.isFinite(amount) ? right({ amount }) : left(`amount: not a number: "${row.amount}"`)
 *   },
 * })
 * const report = await pipe(fromGenerator([{ amount: '12' }, { amount: 'x' }]), parseAmount, toArray())
 * console.assert(report.records.length === 1 && report.failed === 1)
 * ```
 *
 * @category operators
 * @since 0.1.0
 */
export function defineOperator<A, B>(definition: OperatorDefinition<A, B>): Operator<A, B> {
  return stageOperator<A, B>(
    definition.name,
    (stage) => {
      let index = 0
      if ('apply' in definition)
        return {
          next(record) {
            stage.emit(definition.apply(record, index++))
          },
        }
      return {
        next(record) {
          const result = definition.applyEither(record, index++)
          if (!isLeft(result)) {
            stage.emit(result.right)
            return
          }
          const reason = result.left
          if (typeof reason === 'string')
            stage.fail(stage.failure('TransformError', { reason, record }))
          else if (reason instanceof Error) stage.fail(stage.transformError(record, reason))
          else stage.fail(reason)
        },
      }
    },
    { oneToOne: true },
  )
}
