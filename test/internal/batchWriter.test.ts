import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { Flow } from '../../src/core/Flow.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { runSink } from '../../src/internal/runSink.js'
import { BatchWriter, type BatchCallbacks } from '../../src/internal/batchWriter.js'
import { expectBalanced } from '../support/ledger.js'

const sinkOf =
  <A>(callbacks: BatchCallbacks<A>) =>
  (flow: Flow<A>) =>
    runSink<A>(flow, 'batches', {}, (stage) => new BatchWriter(callbacks, stage))

describe('BatchWriter', () => {
  it('writes batches of batchSize, in order, then closes as completed', async () => {
    const calls: string[] = []
    const report = await pipe(
      fromGenerator([1, 2, 3, 4, 5]),
      sinkOf<number>({
        batchSize: 2,
        open: () => void calls.push('open'),
        write: (batch) => void calls.push(batch.join()),
        close: (outcome) => void calls.push(outcome),
      }),
    )
    expect(calls).toEqual(['open', '1,2', '3,4', '5', 'completed'])
    expect(report.written).toBe(5)
    expectBalanced(report)
  })

  it('fails every record of a batch whose write throws, and goes on', async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      sinkOf<number>({
        batchSize: 2,
        write: (batch) => {
          if (batch.includes(1)) throw new Error('refused')
        },
      }),
    )
    expect(report.written).toBe(1)
    expect(report.failed).toBe(2)
    expect(report.failures.map((failure) => [failure._tag, failure.record])).toEqual([
      ['SinkError', 1],
      ['SinkError', 2],
    ])
    expectBalanced(report)
  })

  it('names the sink and the callback when open or close throws', async () => {
    const broken = (where: 'open' | 'close') =>
      sinkOf<number>({
        write: () => undefined,
        [where]: () => {
          throw new Error('no disk')
        },
      })
    await expect(pipe(fromGenerator([1]), broken('open'))).rejects.toThrow(
      'batches: open failed: no disk',
    )
    await expect(pipe(fromGenerator([1]), broken('close'))).rejects.toThrow(
      'batches: close failed: no disk',
    )
  })
})
