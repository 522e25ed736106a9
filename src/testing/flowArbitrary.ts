import type { Arbitrary } from 'fast-check'
import { fc } from './fastCheck.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure } from '../core/Failure.js'

/**
 * Options of {@link flowArbitrary}.
 *
 * @category testing
 * @since 0.1.0
 */
export interface FlowArbitraryOptions {
  /** The share of values that are failures, from 0 to 1 (default 0.2). */
  readonly failureRate?: number
  /** Fewest values (default 0). */
  readonly minLength?: number
  /** Most values (default 50). */
  readonly maxLength?: number
}

/** The stage named by the failures {@link flowArbitrary} generates. */
const STAGE = 'flowArbitrary'

/**
 * A fast-check arbitrary of the values a Flow carries: arrays of `Either`s mixing `Right` records
 * from `record` and `Left` failures (of varied tags, with a location and a raw line, as sources
 * produce them), about `failureRate` of them failures. Turn one into a Flow with
 * {@link fromEithers}; the failures have stage `flowArbitrary`, so an operator's own failures are
 * easy to tell apart.
 *
 * Throws a `RangeError` when built with a `failureRate` outside 0…1.
 *
 * @example
 * ```ts
 * import fc from 'fast-check'
 * import { isLeft, isRight } from 'fp-ts/lib/Either.js'
 * import { pipe, filter, collect } from 'powerflow-etl'
 * import { flowArbitrary, fromEithers, runToArray } from 'powerflow-etl/testing'
 *
 * await fc.assert(
 *   fc.asyncProperty(flowArbitrary(fc.integer(), { failureRate: 0.3 }), async (values) => {
 *     const { records, failures } = await runToArray(
 *       pipe(fromEithers(values), filter((n: number) => n > 0), collect()),
 *     )
 *     const kept = values.filter(isRight).map((value) => value.right).filter((n) => n > 0)
 *     const failed = values.filter(isLeft).length
 *     return records.join() === kept.join() && failures.length === failed
 *   }),
 *   { numRuns: 20 },
 * )
 * ```
 *
 * @param record - the arbitrary of records (for example {@link codecArbitrary} of your codec)
 * @param options - the share of failures and the length
 * @returns an arbitrary of arrays of `Either<Failure, A>`
 * @category testing
 * @since 0.1.0
 */
export function flowArbitrary<A>(
  record: Arbitrary<A>,
  options: FlowArbitraryOptions = {},
): Arbitrary<Array<Either<Failure, A>>> {
  const rate = options.failureRate ?? 0.2
  if (!(rate >= 0 && rate <= 1))
    throw new RangeError(`flowArbitrary: failureRate must be between 0 and 1, got ${rate}`)
  const rights = record.map((value): Either<Failure, A> => right(value))
  const lefts = failureArbitrary().map((value): Either<Failure, A> => left(value))
  const weight = Math.round(rate * 1000)
  const item =
    weight === 0
      ? rights
      : weight === 1000
        ? lefts
        : fc.oneof({ weight: 1000 - weight, arbitrary: rights }, { weight, arbitrary: lefts })
  return fc.array(item, { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 50 })
}

function failureArbitrary(): Arbitrary<Failure> {
  return fc
    .record({
      tag: fc.constantFrom('ParseError', 'ValidationError', 'TransformError'),
      reason: fc.string({ minLength: 1, maxLength: 20 }),
      line: fc.integer({ min: 1, max: 100_000 }),
      raw: fc.string({ maxLength: 20 }),
    })
    .map(({ tag, reason, line, raw }) =>
      failure(tag, { stage: STAGE, reason, raw, location: { file: 'input.csv', line } }),
    )
}
