import { describe, expect, it } from 'vitest'
import { right } from 'fp-ts/lib/Either.js'
import { pullSource, type SourceBatch } from '../../src/internal/pullSource.js'

describe('pullSource', () => {
  it('returns a reader that opens only after the subscriber went away', async () => {
    let returned = 0
    let opened!: () => void
    const open = new Promise<void>((resolve) => (opened = resolve))
    const flow = pullSource<number>('late', async () => {
      await open
      const reader: AsyncIterator<SourceBatch<number>> = {
        next: async () => ({ done: false, value: { items: [right(1)] } }),
        return: async () => {
          returned += 1
          return { done: true, value: undefined }
        },
      }
      return reader
    })
    const subscription = flow.subscribe()
    subscription.unsubscribe()
    opened()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(returned).toBe(1)
  })
})
