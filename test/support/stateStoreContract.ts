import { expect, it } from 'vitest'
import type { StateStore } from '../../src/core/StateStore.js'

/** The contract every StateStore keeps, run against a fresh store from `make`. */
export function stateStoreContract(make: () => StateStore): void {
  it('answers undefined for a key it does not hold, and lists nothing when empty', async () => {
    const store = make()
    expect(await store.get('deals')).toBeUndefined()
    expect(await store.list()).toEqual([])
  })

  it('gives back what was put, as JSON, and replaces it on the next put', async () => {
    const store = make()
    await store.put('deals', { positions: { source: { offset: 10, line: 2 } }, at: 'x' })
    expect(await store.get('deals')).toEqual({
      positions: { source: { offset: 10, line: 2 } },
      at: 'x',
    })
    await store.put('deals', { positions: {} })
    expect(await store.get('deals')).toEqual({ positions: {} })
  })

  it('keeps many keys apart, lists them sorted and deletes one', async () => {
    const store = make()
    await Promise.all([store.put('b', 2), store.put('a', 1), store.put('c', 3)])
    expect(await store.list()).toEqual(['a', 'b', 'c'])
    await store.delete('b')
    await store.delete('missing')
    expect(await store.list()).toEqual(['a', 'c'])
    expect(await store.get('a')).toBe(1)
  })

  it('refuses a value JSON cannot hold, naming the key', async () => {
    const store = make()
    await expect(store.put('bad', () => 1)).rejects.toThrow(/"bad".*JSON/)
  })
}
