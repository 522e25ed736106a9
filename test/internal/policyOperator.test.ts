import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { collect } from '../../src/policies/collect.js'
import { failFast } from '../../src/policies/failFast.js'
import { policyOperator } from '../../src/internal/policyOperator.js'
import { fromEithers } from '../../src/testing/fromEithers.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced } from '../support/ledger.js'

describe('policyOperator', () => {
  it('rejects two policies in one run at start', async () => {
    await expect(pipe(fromGenerator([1]), collect(), failFast(), toArray())).rejects.toThrow(
      /two failure policies in one run/,
    )
  })

  it('names both policies and the run when it rejects a second one', async () => {
    await expect(
      pipe(fromGenerator([1]), failFast(), collect(), toArray({ name: 'nightly' })),
    ).rejects.toThrow('nightly: two failure policies in one run (collect and failFast)')
  })

  it('passes records and failures through untouched, in order', async () => {
    const bad = failure('ParseError', { stage: 'source', reason: 'no' })
    const input: Array<Either<Failure, number>> = [right(1), left(bad), right(2)]
    const result = await runToArray(
      pipe(
        fromEithers(input),
        policyOperator(() => ({ kind: 'collect' })),
      ),
    )
    expect(result.records).toEqual([1, 2])
    expect(result.failures).toHaveLength(1)
    expect(result.failures[0]).toBe(bad)
    expectBalanced(result.report)
  })

  it('asks for the policy once per run, when the run starts', async () => {
    let asked = 0
    const flow = pipe(
      fromGenerator([1, 2, 3]),
      policyOperator(() => {
        asked += 1
        return { kind: 'collect' }
      }),
    )
    expect(asked).toBe(0)
    await runToArray(flow)
    expect(asked).toBe(1)
    await runToArray(flow)
    expect(asked).toBe(2)
  })
})
