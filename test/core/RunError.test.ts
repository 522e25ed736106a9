import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { failure } from '../../src/core/Failure.js'
import { RunError } from '../../src/core/RunError.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/sinks/toArray.js'
import { failFast } from '../../src/policies/failFast.js'
import { rejection } from '../support/ledger.js'

describe('RunError', () => {
  it('is an Error named RunError carrying its failure and cause, with no report until a run gives it one', () => {
    const bad = failure('ParseError', { stage: 'fromCsv', reason: 'bad quote' })
    const cause = new Error('underneath')
    const error = new RunError('fromCsv: bad quote', bad, { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('RunError')
    expect(error.message).toBe('fromCsv: bad quote')
    expect(error.failure).toBe(bad)
    expect(error.cause).toBe(cause)
    expect(error.report).toBeUndefined()
  })

  it('needs no failure for an infrastructure fault', () => {
    expect(new RunError('disk full').failure).toBeUndefined()
  })

  it('is what a fail-fast run rejects with, carrying the failure and the failed report', async () => {
    const error = await rejection(
      pipe(
        fromGenerator([1, 2]),
        map((n: number) => {
          if (n === 2) throw new Error('two')
          return n
        }),
        failFast(),
        toArray(),
      ),
    )
    expect(error).toBeInstanceOf(RunError)
    expect((error as RunError).failure?.message).toBe('map: two')
    expect(error.report?.status).toBe('failed')
  })
})
