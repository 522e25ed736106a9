import { describe, expect, it } from 'vitest'
import type { Failure } from '../../../src/core/Failure.js'
import { HookRunner } from '../../../src/internal/run/HookRunner.js'

describe('HookRunner', () => {
  it('reports a hook that throws or rejects as a HookError, and goes on', async () => {
    const kept: Failure[] = []
    const hooks = new HookRunner('run', (failure) => kept.push(failure))
    hooks.call('preRun', () => {
      throw new Error('boom')
    })
    hooks.call('postRun', () => Promise.reject(new Error('late boom')))
    await hooks.settle(1_000)
    expect(kept.map((failure) => failure.message)).toEqual([
      'run: hook preRun threw: boom',
      'run: hook postRun rejected: late boom',
    ])
  })

  it('waits for a pending hook at most its patience, then reports it', async () => {
    const kept: Failure[] = []
    const hooks = new HookRunner('run', (failure) => kept.push(failure))
    let done = false
    hooks.call(
      'preRun',
      () => new Promise<void>((resolve) => setTimeout(() => resolve(void (done = true)), 5)),
    )
    await hooks.settle(1_000)
    expect(done).toBe(true)
    hooks.call('postRun', () => new Promise<void>(() => undefined))
    await hooks.settle(10)
    expect(kept[0]?._tag).toBe('HookError')
    expect(kept[0]?.message).toMatch(/1 hook promises had not settled 10 ms after the run ended/)
  })
})
