import { Observable } from 'rxjs'
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js'
import type { Arbitrary } from 'fast-check'
import { fc } from './fastCheck.js'
import { assertEqual, assertSame } from './assertEqual.js'
import { failure, type Failure } from '../core/Failure.js'
import type { Flow, Operator } from '../core/Flow.js'
import { fromEithers } from './fromEithers.js'
import { runToArray } from './runToArray.js'

/**
 * Options of {@link expectOperatorLaws}.
 *
 * @category testing
 * @since 0.1.0
 */
export interface OperatorLawsOptions<A, B> {
  /** Arbitrary input records. */
  readonly input: Arbitrary<A>
  /**
   * The reference model: the records the operator should emit for these input records (failures
   * excluded), usually the obvious Array implementation.
   */
  readonly model?: (records: readonly A[]) => readonly B[]
  /** Compare output order too (default true). */
  readonly ordered?: boolean
  /** fast-check runs per law (default 100). */
  readonly numRuns?: number
  /** Longest input (default 50). */
  readonly maxLength?: number
}

/**
 * Checks the laws every PowerFlow operator keeps, with fast-check, in one line from a vitest test:
 *
 * - it equals the reference `model` on arbitrary inputs with arbitrary failures mixed in;
 * - failures pass through untouched (the same values) and in order;
 * - the books balance, for the run (`read + created = written + dropped + merged + failed`) and
 *   for the stage (`in + created = out + dropped + merged + failed`);
 * - purity: the input records are not mutated;
 * - unsubscribing from the output unsubscribes from the input; errors and completion propagate.
 *
 * `operator` may be a factory, called anew for each run (for stateful operators).
 *
 * @example
 * ```ts
 * import fc from 'fast-check'
 * import { map } from 'powerflow-etl'
 * import { expectOperatorLaws } from 'powerflow-etl/testing'
 *
 * // usually inside a vitest test: it('doubles', async () => { await expectOperatorLaws(…) })
 * await expectOperatorLaws(map((n: number) => n * 2), {
 *   input: fc.integer(),
 *   model: (records) => records.map((n) => n * 2),
 * })
 * ```
 *
 * @category testing
 * @since 0.1.0
 */
export async function expectOperatorLaws<A, B>(
  operator: Operator<A, B> | (() => Operator<A, B>),
  options: OperatorLawsOptions<A, B>,
): Promise<void> {
  const make = (): Operator<A, B> =>
    operator.length === 0 ? (operator as () => Operator<A, B>)() : (operator as Operator<A, B>)
  const numRuns = options.numRuns ?? 100
  const items = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: options.input.map((record) => right(record) as Either<Failure, A>) },
      {
        weight: 1,
        arbitrary: fc.string().map((reason) => left(injected(reason)) as Either<Failure, A>),
      },
    ),
    { maxLength: options.maxLength ?? 50 },
  )

  await fc.assert(
    fc.asyncProperty(items, async (input) => {
      const snapshot = structuredClone(input)
      const result = await runToArray(make()(fromEithers(input, { name: 'laws input' })))
      const { report } = result
      assertSame(report.status, 'completed', 'the run did not complete')

      // purity
      assertEqual(input, snapshot, 'purity: the operator changed the records it received')

      // failures pass through untouched and in order
      const injectedIn = input.filter(isLeft).map((value) => value.left)
      const injectedOut = result.failures.filter((value) => value.stage === INJECTED)
      assertSame(
        injectedOut.length,
        injectedIn.length,
        'failures must pass through: some were lost or added',
      )
      injectedOut.forEach((value, index) =>
        assertSame(value, injectedIn[index], 'failures must pass through untouched and in order'),
      )

      // the books balance
      const settled = report.written + report.dropped + report.merged + report.failed
      assertSame(
        settled,
        report.read + report.created,
        'the books must balance: read + created = written + dropped + merged + failed',
      )
      assertSame(report.droppedByReason['unaccounted'] ?? 0, 0, 'records went unaccounted')
      for (const stage of report.stages.filter((s) => s.kind === 'operator'))
        assertSame(
          stage.out + stage.dropped + stage.merged + stage.failed,
          stage.in + stage.created,
          `stage ${stage.name}: in + created must equal out + dropped + merged + failed`,
        )

      // the reference model
      if (options.model !== undefined) {
        const records = input
          .filter((value) => !isLeft(value))
          .map((value) => (value as { right: A }).right)
        const expected = options.model(records)
        if (options.ordered === false)
          assertEqual(
            sortByJson(result.records),
            sortByJson([...expected]),
            'the output differs from the model',
          )
        else assertEqual(result.records, expected, 'the output differs from the model')
      }
    }),
    { numRuns },
  )

  // unsubscribe propagates; completion and errors propagate
  let unsubscribed = false
  const endless: Flow<A> = new Observable<Either<Failure, A>>(() => () => {
    unsubscribed = true
  })
  make()(endless).subscribe().unsubscribe()
  assertSame(unsubscribed, true, 'unsubscribing must reach the source')

  const boom = new Error('upstream fault')
  const errored = await new Promise<unknown>((resolve) => {
    make()(new Observable<Either<Failure, A>>((subscriber) => subscriber.error(boom))).subscribe({
      error: resolve,
      complete: () => resolve('completed'),
    })
  })
  assertSame(errored, boom, 'an upstream error must pass through as it is')

  const completed = await new Promise<unknown>((resolve) => {
    make()(new Observable<Either<Failure, A>>((subscriber) => subscriber.complete())).subscribe({
      error: resolve,
      complete: () => resolve('completed'),
    })
  })
  assertSame(completed, 'completed', 'an upstream completion must pass through')
}

const INJECTED = 'injected by expectOperatorLaws'

function injected(reason: string): Failure {
  return failure('TestFailure', { stage: INJECTED, reason })
}

function sortByJson<T>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => {
    const x = JSON.stringify(a) ?? ''
    const y = JSON.stringify(b) ?? ''
    return x < y ? -1 : x > y ? 1 : 0
  })
}
