import { describe, expect, it } from 'vitest'
import { failure } from '../../src/core/Failure.js'
import { RunError } from '../../src/core/RunError.js'
import { RunContext } from '../../src/internal/run/RunContext.js'
import { RunStop } from '../../src/internal/run/RunStop.js'
import {
  inBranch,
  joinBranch,
  type BranchRun,
  type BranchSlot,
} from '../../src/internal/branchRun.js'

const settings = {
  name: 'parent',
  highWaterMark: 10,
  highWaterBytes: Number.POSITIVE_INFINITY,
  failureCap: 100,
  stallTimeoutMs: 1_000,
  hooks: {},
}

function slot(
  parent: RunContext,
  name: string,
  progressed: () => void = () => undefined,
): BranchSlot {
  return { parent, name, run: undefined, joined: () => undefined, progressed }
}

describe('joinBranch', () => {
  it('starts no branch outside inBranch, and one only for the first run inside it', () => {
    expect(joinBranch()).toBeUndefined()
    const parent = new RunContext(settings)
    const branch = slot(parent, 'csv')
    const [first, second] = inBranch(branch, () => [joinBranch(), joinBranch()])
    expect(first?.settings.name).toBe('csv')
    expect(first?.settings.highWaterMark).toBe(10)
    expect(second).toBeUndefined()
  })
})

describe('BranchRun', () => {
  const child = (parent: RunContext, name: string, progressed?: () => void): BranchRun =>
    inBranch(slot(parent, name, progressed), () => joinBranch()) as BranchRun

  it('counts a failure in its own ledger and hands it to the parent policy, naming the branch', () => {
    const parent = new RunContext(settings)
    parent.setPolicy({ kind: 'collect', maxFailures: 1 })
    const branch = child(parent, 'alerts')
    branch.ledger.addRead(2)
    branch.failOpen(failure('TransformError', { stage: 'map', reason: 'one' }))
    expect(branch.failed).toBe(1)
    expect(parent.failed).toBe(0)
    expect(parent.failures[0]?.details?.['branch']).toBe('alerts')
    expect(parent.stopped).toBeUndefined()
    branch.failOpen(failure('TransformError', { stage: 'map', reason: 'two' }))
    expect(parent.stopped?.error.message).toMatch(/more than 1 failures/)
    expect(branch.stopped).toBe(parent.stopped)
  })

  it('names nested branches outer/inner', () => {
    const parent = new RunContext(settings)
    const outer = child(parent, 'outer')
    const inner = child(outer, 'inner')
    inner.ledger.addRead(1)
    inner.failOpen(failure('TransformError', { stage: 'map', reason: 'deep' }))
    expect(parent.failures[0]?.details?.['branch']).toBe('outer/inner')
  })

  it('stops with its parent, and stops its parent', () => {
    const parent = new RunContext(settings)
    const a = child(parent, 'a')
    const b = child(parent, 'b')
    a.stop(new RunStop('failed', new RunError('a broke')))
    expect(parent.stopped?.error.message).toBe('a broke')
    expect(b.stopped?.error.message).toBe('a broke')
  })

  it('refuses a policy of its own', () => {
    const branch = child(new RunContext(settings), 'a')
    expect(() => branch.setPolicy({ kind: 'failFast' })).toThrow(/no failure policy of its own/)
  })

  it('tells the parent when it releases records, and says how many it released', () => {
    let told = 0
    const branch = child(new RunContext(settings), 'a', () => {
      told += 1
    })
    branch.ledger.addRead(3)
    branch.ledger.settleOpen('written', 1)
    branch.ledger.hold(1)
    branch.ledger.toUncommitted(1)
    expect(told).toBe(3)
    expect(branch.released()).toBe(3)
  })
})
