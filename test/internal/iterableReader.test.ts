import { describe, expect, it } from 'vitest'
import { asRecord, iterableReader } from '../../src/internal/iterableReader.js'

describe('iterableReader', () => {
  it('closes the source even when the iterable throws while it is returned', async () => {
    let closes = 0
    const close = (): void => void (closes += 1)
    async function* asyncValues(): AsyncGenerator<number> {
      try {
        yield 1
        yield 2
      } finally {
        // The cleanup of the iterable itself fails: that is the case under test.
        // eslint-disable-next-line no-unsafe-finally
        throw new Error('cursor already gone')
      }
    }
    function* syncValues(): Generator<number> {
      try {
        yield* Array.from({ length: 1_000 }, (_, index) => index)
      } finally {
        // The cleanup of the iterable itself fails: that is the case under test.
        // eslint-disable-next-line no-unsafe-finally
        throw new Error('cursor already gone')
      }
    }
    for (const values of [asyncValues(), syncValues()]) {
      const reader = iterableReader('numbers', values, asRecord<number>, close)
      await reader.next()
      await expect(reader.return?.()).rejects.toThrow('cursor already gone')
    }
    expect(closes).toBe(2)
  })
})
