import type * as t from 'io-ts'
import { failure, type Failure, type Location } from '../core/Failure.js'
import type { Operator } from '../core/Flow.js'
import { describeValue } from '../internal/describeValue.js'
import { stageOperator } from '../internal/stageOperator.js'

/**
 * Options of {@link validate}.
 *
 * @category operators
 * @since 0.1.0
 */
export interface ValidateOptions {
  /** The stage name in the report and hooks (default `validate`). */
  readonly name?: string
  /**
   * A field that identifies the record (`Id`, `email`): its value is named in failures
   * (`location.recordId`, and `record 0015…` in the message).
   */
  readonly idField?: string
}

/**
 * Decodes each record with an io-ts codec: records that decode go on as the codec's decoded type
 * (numbers from strings, dates, trimmed strings, …); the others become a `Left` `ValidationError`
 * with one readable message for all of the record's errors, each naming its path —
 * `amount: expected numeric string, got "abc"`, `address.zip: …`, `items.2.qty: …` (joined with `; `).
 * The failure's `location.field` is the first failing path, `location.recordId` the value of the
 * `idField` option, and `details.errors` lists `{ path, expected, actual }` for each error.
 *
 * The codec's `decode` is all that runs on the success path (not `is`), so codecs that transform
 * (`NumberFromString`, `DateFromString`, …) work as intended. Failures pass through untouched and
 * in order; a codec that throws makes that record a `TransformError`; completion and unsubscribe
 * propagate.
 *
 * @example
 * ```ts
 * import * as t from 'io-ts'
 * import { pipe, fromGenerator, validate, NumberFromString, toArray } from 'powerflow-etl'
 *
 * const Deal = t.type({ id: t.string, amount: NumberFromString })
 * const report = await pipe(
 *   fromGenerator([
 *     { id: 'D1', amount: '12.5' },
 *     { id: 'D2', amount: 'abc' },
 *   ]),
 *   validate(Deal, { idField: 'id' }),
 *   toArray(),
 * )
 * console.assert(report.records[0]?.amount === 12.5)
 * console.assert(report.failures[0]?.message === 'validate record D2: amount: expected numeric string, got "abc"')
 * ```
 *
 * @param codec - an io-ts codec (`t.type`, `t.strict`, `t.intersection`, …) whose input type
 *   accepts the records (for `t.type` it is `unknown`: any record)
 * @returns an operator from the codec's input type to its decoded type
 * @category operators
 * @since 0.1.0
 */
export function validate<C extends t.Any>(
  codec: C,
  options: ValidateOptions = {},
): Operator<t.InputOf<C>, t.TypeOf<C>> {
  const name = options.name ?? 'validate'
  const idField = options.idField
  return stageOperator<t.InputOf<C>, t.TypeOf<C>>(
    name,
    (stage) => ({
      next(record) {
        const result = codec.decode(record)
        if (result._tag === 'Right') stage.emit(result.right)
        else
          stage.fail(
            validationFailure(stage.locationOf(record), name, record, result.left, idField),
          )
      },
    }),
    { oneToOne: true },
  )
}

/** One decoding error, in words. */
interface DescribedError {
  readonly path: string
  readonly expected: string
  readonly actual: string
  /** The codec's own message, when it gave one (`t.failure(value, context, message)`). */
  readonly message?: string
}

function validationFailure(
  origin: Location | undefined,
  stage: string,
  record: unknown,
  errors: t.Errors,
  idField: string | undefined,
): Failure {
  const described = describeErrors(errors)
  const reason = [
    ...new Set(
      described.map((error) => {
        const what = error.message ?? `expected ${error.expected}, got ${error.actual}`
        return error.path === '' ? what : `${error.path}: ${what}`
      }),
    ),
  ].join('; ')
  const recordId = idOf(record, idField)
  const base = failure('ValidationError', {
    stage,
    reason,
    record,
    ...(origin === undefined && recordId === undefined
      ? {}
      : { location: { ...origin, ...(recordId === undefined ? {} : { recordId }) } }),
    details: { errors: described },
  })
  // The reason names every failing path already: `location.field` is set for programs, and left
  // out of the composed message so that it does not say the field twice.
  const field = described[0]?.path
  if (field === undefined || field === '') return base
  const location: Location = { ...base.location, field }
  return { ...base, location }
}

function idOf(record: unknown, idField: string | undefined): string | undefined {
  if (idField === undefined || typeof record !== 'object' || record === null) return undefined
  const id: unknown = (record as Record<string, unknown>)[idField]
  if (id === undefined || id === null || id === '') return undefined
  return String(id)
}

/**
 * Turns io-ts errors into paths and expectations. A context is the chain of codecs from the root
 * to the failing value; the members of unions and intersections add an index that is not part of
 * the record's path, so keys under them are skipped, and the expectation named is the outermost
 * codec at the failing path (`string | undefined`, not just `undefined`).
 */
function describeErrors(errors: t.Errors): DescribedError[] {
  return errors.map((error) => {
    const context = error.context
    const path: string[] = []
    let expected = context[0]?.type.name ?? 'a valid value'
    for (let index = 1; index < context.length; index++) {
      const entry = context[index]
      const parent = context[index - 1]
      if (entry === undefined || parent === undefined) continue
      const tag = (parent.type as { _tag?: string })._tag
      if (tag === 'UnionType' || tag === 'IntersectionType' || tag === 'TaggedUnionType') continue
      path.push(entry.key)
      expected = entry.type.name
    }
    return {
      path: path.join('.'),
      expected,
      actual: describeValue(error.value),
      ...(error.message === undefined ? {} : { message: error.message }),
    }
  })
}
