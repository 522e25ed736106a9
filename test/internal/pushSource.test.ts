import { describe, expect, it } from 'vitest'
import { Subject, of } from 'rxjs'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import { pushSource } from '../../src/internal/pushSource.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced } from '../support/ledger.js'

describe('pushSource', () => {
  it('counts every item as read, records as out and failures as failed, in its stage', async () => {
    const bad = failure('ParseError', { stage: 'feed', reason: 'garbled' })
    const input: Array<Either<Failure, string>> = [right('a'), left(bad), right('b')]
    const result = await runToArray(pushSource('feed', of(...input)))
    expect(result.records).toEqual(['a', 'b'])
    expect(result.failures[0]).toBe(bad)
    expect(result.report.read).toBe(3)
    const stage = result.report.stages.find((entry) => entry.name === 'feed')
    expect(stage).toMatchObject({ kind: 'source', in: 3, out: 2, failed: 1 })
    expectBalanced(result.report)
  })

  it('stops passing items on once the run has stopped', async () => {
    const live = new Subject<Either<Failure, number>>()
    const controller = new AbortController()
    const run = runToArray(pushSource('live', live), { signal: controller.signal })
    live.next(right(1))
    controller.abort()
    live.next(right(2))
    const result = await run
    expect(result.report.status).toBe('aborted')
    expect(result.records).not.toContain(2)
    expectBalanced(result.report)
  })
})
