import { describe, expect, it } from 'vitest'
import { RunContext } from '../../../src/internal/run/RunContext.js'
import { currentRun, outsideRun, withRun } from '../../../src/internal/run/currentRun.js'

const settings = {
  name: 'mine',
  highWaterMark: 10,
  highWaterBytes: Number.POSITIVE_INFINITY,
  failureCap: 10,
  stallTimeoutMs: 1_000,
  hooks: {},
}

describe('currentRun', () => {
  it('finds the run entered, across awaits, and a detached one outside any run', async () => {
    const run = new RunContext(settings)
    await withRun(run, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      expect(currentRun()).toBe(run)
      expect(outsideRun(() => currentRun().settings.name)).toBe('detached')
    })
    const detached = currentRun()
    expect(detached.settings.name).toBe('detached')
    expect(detached.hasCapacity()).toBe(true)
    expect(currentRun()).not.toBe(detached)
  })
})
