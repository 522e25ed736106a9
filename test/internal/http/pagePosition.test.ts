import { describe, expect, it } from 'vitest'
import {
  positionParamOf,
  rememberPage,
  savedPage,
} from '../../../src/internal/http/pagePosition.js'
import { memoryStateStore, runWithState } from '../../support/stateRun.js'

describe('pagePosition', () => {
  it('names the parameter of cursor and page pagination only', () => {
    expect(positionParamOf({ by: 'cursor', cursorParam: 'after' })).toBe('after')
    expect(positionParamOf({ by: 'page', pageParam: 'p' })).toBe('p')
    expect(positionParamOf({ by: 'nextLink' })).toBeUndefined()
    expect(positionParamOf(undefined)).toBeUndefined()
  })

  it('keeps the parameter value of a page, not its URL', async () => {
    const store = memoryStateStore()
    const first = runWithState(store)
    first.inside(() =>
      rememberPage('feed', 'after', new URL('https://x.test/e?key=secret&after=7')),
    )
    await first.state.commit()
    expect(JSON.stringify(await store.get('job'))).not.toContain('secret')
    expect(await runWithState(store).inside(() => savedPage('feed', 'after'))).toBe('7')
  })

  it('refuses a saved page named by another parameter', async () => {
    const store = memoryStateStore()
    const first = runWithState(store)
    first.inside(() => rememberPage('feed', 'after', new URL('https://x.test/e?after=7')))
    await first.state.commit()
    await expect(runWithState(store).inside(() => savedPage('feed', 'cursor'))).rejects.toThrow(
      /not a page named by cursor/,
    )
  })
})
