import { describe, expect, it } from 'vitest'
import { rememberBookmark, savedBookmark } from '../../src/internal/savedBookmark.js'
import { memoryStateStore, runWithState } from '../support/stateRun.js'

describe('savedBookmark and rememberBookmark', () => {
  it('give a Date back as a Date, and a string or number as it was', async () => {
    const store = memoryStateStore()
    const first = runWithState(store)
    first.inside(() => {
      rememberBookmark('a', { field: 'at', value: new Date('2026-01-02T03:04:05.000Z') })
      rememberBookmark('b', { field: 'id', value: 42 })
      let current = 'x'
      rememberBookmark('c', () => ({ field: 'name', value: current }))
      current = 'y'
    })
    await first.state.commit()
    const second = runWithState(store)
    await second.inside(async () => {
      expect(await savedBookmark('a', 'at')).toEqual(new Date('2026-01-02T03:04:05.000Z'))
      expect(await savedBookmark('b', 'id')).toBe(42)
      // A function is asked at the commit: the bookmark as it was then.
      expect(await savedBookmark('c', 'name')).toBe('y')
      expect(await savedBookmark('d', 'id')).toBeUndefined()
    })
  })

  it('refuses a saved bookmark on another field, naming the stage', async () => {
    const store = memoryStateStore()
    const first = runWithState(store)
    first.inside(() => rememberBookmark('deals', { field: 'id', value: 1 }))
    await first.state.commit()
    await expect(
      runWithState(store).inside(() => savedBookmark('deals', 'updated')),
    ).rejects.toThrow(/^deals: the saved state holds .* not a bookmark on updated/)
  })

  it('do nothing outside a run with state', async () => {
    rememberBookmark('a', { field: 'id', value: 1 })
    expect(await savedBookmark('a', 'id')).toBeUndefined()
  })
})
