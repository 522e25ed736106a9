import { describe, expect, it } from 'vitest'
import { failure } from '../../../src/core/Failure.js'
import { FailurePolicy, freezeFailure } from '../../../src/internal/run/FailurePolicy.js'

const oops = () => failure('TransformError', { stage: 'map', reason: 'oops' })

describe('FailurePolicy', () => {
  it('lists failures up to the cap and counts the rest', () => {
    const policy = new FailurePolicy('run', 2)
    for (let n = 0; n < 3; n++) policy.keep(oops())
    expect(policy.failures).toHaveLength(2)
    expect(policy.failuresOmitted).toBe(1)
  })

  it('refuses a second policy', () => {
    const policy = new FailurePolicy('run', 10)
    policy.set({ kind: 'collect' })
    expect(() => policy.set({ kind: 'failFast' })).toThrow(
      'run: two failure policies in one run (collect and failFast); a run has one policy',
    )
  })

  it('stops at the first failure with failFast, and beyond maxFailures with collect', () => {
    const fast = new FailurePolicy('run', 10)
    fast.set({ kind: 'failFast' })
    expect(fast.apply(oops(), 1)?.status).toBe('failed')
    const collect = new FailurePolicy('run', 10)
    collect.set({ kind: 'collect', maxFailures: 1 })
    expect(collect.apply(oops(), 1)).toBeUndefined()
    expect(collect.apply(oops(), 2)?.error.message).toMatch(/^run: more than 1 failures/)
    expect(new FailurePolicy('run', 10).apply(oops(), 99)).toBeUndefined()
  })

  it('sends failures to the dead-letter channel and finishes it once', async () => {
    const sent: string[] = []
    let finished = 0
    const policy = new FailurePolicy('run', 10)
    policy.set({
      kind: 'deadLetter',
      open: () => ({
        push: (each) => sent.push(each.message),
        finish: async () => {
          finished += 1
          return undefined
        },
      }),
    })
    policy.apply(oops(), 1)
    await policy.finishDeadLetter()
    await policy.finishDeadLetter()
    expect(sent).toHaveLength(1)
    expect(finished).toBe(1)
  })

  it('freezes a failure with its location and details', () => {
    const frozen = failure('TransformError', {
      stage: 'map',
      reason: 'x',
      location: { line: 1 },
      details: { a: 1 },
    })
    freezeFailure(frozen)
    expect(Object.isFrozen(frozen) && Object.isFrozen(frozen.location)).toBe(true)
    expect(Object.isFrozen(frozen.details)).toBe(true)
  })
})
