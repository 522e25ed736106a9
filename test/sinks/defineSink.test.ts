import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { failFast } from '../../src/policies/failFast.js'

const range = (count: number) => Array.from({ length: count }, (_, n) => n)

describe('defineSink', () => {
  it('writes in batches, in order, and opens and closes once', async () => {
    const events: string[] = []
    const toLog = defineSink<number>({
      name: 'toLog',
      batchSize: 4,
      open: () => void events.push('open'),
      write: async (batch) => void events.push(batch.join(',')),
      close: (outcome) => void events.push(`close ${outcome}`),
    })
    const report = await pipe(fromGenerator(range(10)), toLog())
    expect(events).toEqual(['open', '0,1,2,3', '4,5,6,7', '8,9', 'close completed'])
    expect(report.written).toBe(10)
    expect(report.stages.at(-1)).toMatchObject({ name: 'toLog', in: 10, out: 10 })
  })

  it('never deadlocks when a batch is larger than the high-water mark', async () => {
    const batches: number[] = []
    const big = defineSink<number>({
      name: 'big',
      batchSize: 1_000,
      write: (batch) => void batches.push(batch.length),
    })
    const report = await pipe(fromGenerator(range(500)), big({ highWaterMark: 20 }))
    expect(report.written).toBe(500)
    expect(Math.max(...batches)).toBeLessThanOrEqual(20)
  })

  it('turns a failed batch into one SinkError per record, and the run goes on', async () => {
    const flaky = defineSink<number>({
      name: 'flaky',
      batchSize: 2,
      write: (batch) => {
        if (batch.includes(2)) throw new Error('server said no')
      },
    })
    const report = await pipe(fromGenerator(range(6)), flaky())
    expect(report.written).toBe(4)
    expect(report.failed).toBe(2)
    expect(report.failures.map((f) => [f._tag, f.record, f.message])).toEqual([
      ['SinkError', 2, 'flaky: server said no'],
      ['SinkError', 3, 'flaky: server said no'],
    ])
  })

  it('applies the run policy to its own failures', async () => {
    const written: number[] = []
    const flaky = defineSink<number>({
      name: 'flaky',
      batchSize: 1,
      write: (batch) => {
        if (batch[0] === 3) throw new Error('nope')
        written.push(...batch)
      },
      close: () => undefined,
    })
    const error = await pipe(fromGenerator(range(100)), failFast(), flaky()).then(
      () => undefined,
      (caught: unknown) => caught as Error & { report: { status: string; failed: number } },
    )
    expect(error?.name).toBe('RunError')
    expect(error?.message).toBe('flaky: nope')
    expect(error?.report.status).toBe('failed')
    expect(error?.report.failed).toBe(1)
    expect(written).toEqual([0, 1, 2])
  })
})

describe('defineSink when the run stops', () => {
  it('gives write and close an AbortSignal, and rejects on abort whatever the sink does', async () => {
    const signals: AbortSignal[] = []
    const closed: string[] = []
    const hanging = defineSink<number>({
      name: 'hanging',
      write: (_batch, signal) => {
        signals.push(signal)
        return new Promise(() => {})
      },
      close: (outcome, signal) => {
        closed.push(`${outcome} ${signal.aborted}`)
        return new Promise(() => {})
      },
    })
    const error = await pipe(
      fromGenerator(range(10)),
      hanging({ signal: AbortSignal.timeout(50), stallTimeoutMs: 200 }),
    ).then(
      () => undefined,
      (caught: unknown) => caught as Error & { report: { status: string } },
    )
    expect(error?.name).toBe('AbortError')
    expect(error?.report.status).toBe('aborted')
    expect(signals.length).toBe(1)
    expect(signals[0]?.aborted).toBe(true)
    expect(closed).toEqual(['stopped true'])
  })
})
