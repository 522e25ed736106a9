import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { RunError } from '../../../src/core/RunError.js'
import { map } from '../../../src/operators/map.js'
import { failFast } from '../../../src/policies/failFast.js'
import { RunStop } from '../../../src/internal/run/RunStop.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { toArray } from '../../../src/sinks/toArray.js'

describe('RunStop', () => {
  it('holds the status the run ends with and the error it rejects with', () => {
    const error = new Error('too many failures')
    const stop = new RunStop('failed', error)
    expect(stop.status).toBe('failed')
    expect(stop.error).toBe(error)
  })

  it('is no Error itself: a stop is told apart from a thrown error by its class', () => {
    const stop = new RunStop('aborted', new Error('x'))
    expect(stop).not.toBeInstanceOf(Error)
    expect(stop).toBeInstanceOf(RunStop)
  })

  it('ends a run with its status, the run rejecting with its error', async () => {
    const run = pipe(
      fromGenerator([1, 2, 3]),
      map((value: number) => {
        if (value === 2) throw new Error('two')
        return value
      }),
      failFast(),
      toArray(),
    )
    const error: unknown = await run.then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(RunError)
    expect(error).toMatchObject({ report: expect.objectContaining({ status: 'failed' }) })
    expect((error as RunError).message).toContain('two')
  })
})
