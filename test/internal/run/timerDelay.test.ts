import { afterEach, describe, expect, it, vi } from 'vitest'
import { timerDelay } from '../../../src/internal/run/timerDelay.js'

const LONGEST = 2 ** 31 - 1

describe('timerDelay', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('keeps delays Node can time as they are', () => {
    for (const ms of [0, 1, 250, 60_000, LONGEST]) expect(timerDelay(ms)).toBe(ms)
  })

  it('caps longer delays, Infinity and NaN at the longest Node can time', () => {
    for (const ms of [LONGEST + 1, 2 ** 40, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NaN])
      expect(timerDelay(ms)).toBe(LONGEST)
  })

  it('makes an infinite timeout one that does not fire, and Node does not warn about', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error): void => {
      warnings.push(warning)
    }
    process.on('warning', onWarning)
    let fired = false
    const timer = setTimeout(() => {
      fired = true
    }, timerDelay(Number.POSITIVE_INFINITY))
    // Long enough for a timer Node had reset to 1 ms to fire.
    await new Promise((resolve) => setTimeout(resolve, 20))
    clearTimeout(timer)
    process.off('warning', onWarning)
    expect(fired).toBe(false)
    expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([])
  })

  it('fires a capped timer after the longest delay, not before', () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    setTimeout(fired, timerDelay(Number.POSITIVE_INFINITY))
    vi.advanceTimersByTime(LONGEST - 1)
    expect(fired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(fired).toHaveBeenCalledOnce()
  })
})
