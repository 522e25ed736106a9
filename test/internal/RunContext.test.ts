import { afterEach, describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { expectBalanced } from '../support/ledger.js'

describe('the run context', () => {
  const warnings: Error[] = []
  const onWarning = (warning: Error): void => void warnings.push(warning)
  afterEach(() => {
    process.off('warning', onWarning)
    warnings.length = 0
  })

  it('accepts a stall timeout too long for a timer (Infinity turns the check off) without warnings', async () => {
    process.on('warning', onWarning)
    const slow = defineSink<number>({
      name: 'slow',
      batchSize: 10,
      write: () => new Promise((resolve) => setTimeout(resolve, 2)),
    })
    const report = await pipe(
      fromGenerator(function* () {
        for (let n = 0; n < 200; n++) yield n
      }),
      slow({ highWaterMark: 20, stallTimeoutMs: Number.POSITIVE_INFINITY }),
    )
    expect(report.written).toBe(200)
    expectBalanced(report)
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.map((warning) => warning.name)).toEqual([])
  })
})
