import { describe, expect, it } from 'vitest'
import { PassThrough } from 'node:stream'
import { Subject, defer, filter as rxFilter, map as rxMap, switchMap, timer } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import type { RunReport } from '../../src/core/RunReport.js'
import type { Flow } from '../../src/core/Flow.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { fromObservable } from '../../src/sources/fromObservable.js'
import { defineSource } from '../../src/sources/defineSource.js'
import { filter } from '../../src/operators/filter.js'
import { map } from '../../src/operators/map.js'
import { deadLetter } from '../../src/policies/deadLetter.js'
import { collect } from '../../src/policies/collect.js'
import { failFast } from '../../src/policies/failFast.js'
import { toArray } from '../../src/sinks/toArray.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { runToArray } from '../../src/testing/runToArray.js'
import type { DeadLetterRecord } from '../../src/policies/deadLetter.js'
import { expectBalanced, rejection } from '../support/ledger.js'

const range = (count: number) =>
  function* () {
    for (let n = 0; n < count; n++) yield n
  }

describe('the run', () => {
  it('bounds read-ahead by the high-water mark when the sink is slow', async () => {
    let inFlightAtWrite = 0
    const slow = defineSink<number>({
      name: 'slow',
      batchSize: 50,
      write: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1))
      },
    })
    const report = await pipe(
      fromGenerator(range(5_000)),
      map((n: number) => {
        inFlightAtWrite = Math.max(inFlightAtWrite, n)
        return n
      }),
      slow({ highWaterMark: 200 }),
    )
    expect(report.written).toBe(5_000)
    expect(report.maxInFlight).toBeLessThanOrEqual(200)
    expect(report.maxInFlight).toBeGreaterThan(50)
  })

  it('never buffers when every stage settles records at once (a fast sink runs unhindered)', async () => {
    const report = await pipe(
      fromGenerator(range(20_000)),
      filter((n: number) => n % 2 === 0),
      toArray(),
    )
    expect(report.maxInFlight).toBe(1)
    expect(report.written).toBe(10_000)
  })

  it('finds its run from a stage that subscribes to its input later', async () => {
    const later =
      <A>() =>
      (input: Flow<A>): Flow<A> =>
        defer(() => timer(5).pipe(switchMap(() => input)))
    const report = await pipe(
      fromGenerator([1, 2, 3, 4]),
      filter((n: number) => n > 1, { name: 'over one' }),
      later(),
      map((n: number) => n * 2),
      toArray({ highWaterMark: 2 }),
    )
    expect(report.records).toEqual([4, 6, 8])
    expect(report.stages.map((stage) => [stage.name, stage.in, stage.out])).toEqual([
      ['fromGenerator', 4, 4],
      ['over one', 4, 3],
      ['map', 3, 3],
      ['toArray', 3, 3],
    ])
  })

  it('runs operators on a live Subject-driven stream', async () => {
    const ticks = new Subject<{ symbol: string; price: number }>()
    const done = pipe(
      fromObservable(ticks),
      filter((tick) => tick.price > 10),
      map((tick) => `${tick.symbol}@${tick.price}`),
      toArray(),
    )
    ticks.next({ symbol: 'A', price: 5 })
    ticks.next({ symbol: 'B', price: 12 })
    await new Promise((resolve) => setTimeout(resolve, 1))
    ticks.next({ symbol: 'C', price: 30 })
    ticks.complete()
    const report = await done
    expect(report.records).toEqual(['B@12', 'C@30'])
    expect(report.read).toBe(3)
    expectBalanced(report)
  })

  it('calls hooks in order and reports a throwing hook without changing the data', async () => {
    const events: string[] = []
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      map((n: number) => n + 1, { name: 'plus one' }),
      toArray({
        name: 'hooked',
        hooks: {
          preRun: (info) => events.push(`preRun ${info.name}`),
          preStage: (stage) => events.push(`preStage ${stage.name}`),
          postStage: (stage) => {
            events.push(`postStage ${stage.name} ${stage.in}/${stage.out}`)
            if (stage.name === 'plus one') throw new Error('observer bug')
          },
          postRun: (final) => events.push(`postRun ${final.status}`),
        },
      }),
    )
    expect(report.records).toEqual([2, 3, 4])
    expect(events[0]).toBe('preRun hooked')
    expect(events).toContain('preStage plus one')
    expect(events.indexOf('postStage fromGenerator 3/3')).toBeLessThan(
      events.indexOf('postStage plus one 3/3'),
    )
    expect(events.at(-1)).toBe('postRun completed')
    expect(report.failed).toBe(0)
    expect(report.failures).toHaveLength(1)
    expect(report.failures[0]).toMatchObject({ _tag: 'HookError' })
    expect(report.failures[0]?.message).toContain('postStage threw: observer bug')
  })

  it('writes failures to the dead-letter sink and counts them as failed', async () => {
    const letters = toArray<DeadLetterRecord>()
    const report = await pipe(
      fromGenerator([1, 2, 3, 4]),
      map((n: number) => {
        if (n % 2 === 0) throw new Error(`even ${n}`)
        return n
      }),
      deadLetter(letters),
      toArray(),
    )
    expect(report.failed).toBe(2)
    expect(report.records).toEqual([1, 3])
    const dead = report.deadLetter as RunReport & { records: DeadLetterRecord[] }
    expect(dead.written).toBe(2)
    expect(dead.records.map((r) => [r._tag, r.message, r.record, r.cause])).toEqual([
      ['TransformError', 'map: even 2', 2, 'even 2'],
      ['TransformError', 'map: even 4', 4, 'even 4'],
    ])
  })

  it('completes the dead-letter sink when the run fails, losing nothing sent to it', async () => {
    const letters = toArray<DeadLetterRecord>()
    const result = await runToArray(
      pipe(
        fromGenerator(range(100)),
        map((n: number) => {
          if (n % 10 === 0) throw new Error(`tens ${n}`)
          return n
        }),
        deadLetter(letters, { maxFailures: 3 }),
      ),
    )
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toMatch(/more than 3 failures/)
    expect(result.report.failed).toBe(4)
    expect((result.report.deadLetter as RunReport).written).toBe(4)
    expectBalanced(result.report)
  })

  it('fails at the n+1th failure with maxFailures, saying so', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator(range(50)),
        map((n: number) => {
          if (n % 5 === 0) throw new Error('fives')
          return n
        }),
        collect({ maxFailures: 2 }),
      ),
    )
    expect(result.report.status).toBe('failed')
    expect(result.report.failed).toBe(3)
    expect(result.error?.message).toBe(
      'toArray: more than 2 failures (maxFailures); the last: map: fives',
    )
  })

  it('carries the failure and the partial report on a fail-fast rejection', async () => {
    const error = await rejection(
      pipe(
        fromGenerator([1, 2, 3]),
        map((n: number) => {
          if (n === 2) throw new Error('two')
          return n
        }),
        failFast(),
        toArray(),
      ),
    )
    expect(error.name).toBe('RunError')
    expect(error.failure?._tag).toBe('TransformError')
    expect(error.report?.status).toBe('failed')
    expect(error.report?.written).toBe(1)
  })

  it('rejects at once with an AbortError when the signal is already aborted', async () => {
    let started = false
    const error = await rejection(
      pipe(
        fromGenerator(() => {
          started = true
          return [1]
        }),
        toArray({ signal: AbortSignal.abort() }),
      ),
    )
    expect(error.name).toBe('AbortError')
    expect(error.report?.status).toBe('aborted')
    expect(started).toBe(false)
  })

  it('fails an infrastructure fault naming the source, with a failed report', async () => {
    const error = await rejection(
      pipe(
        fromGenerator(function* () {
          yield 1
          throw new Error('disk on fire')
        }),
        toArray(),
      ),
    )
    expect(error.message).toBe('fromGenerator: the source threw: disk on fire')
    expect(error.report?.status).toBe('failed')
  })

  it('fails a destination that throws while opening like one that rejects, closing the source', async () => {
    let closed = 0
    const error = await rejection(
      pipe(
        defineSource<number>({
          name: 'numbers',
          open: range(100_000),
          close: () => void (closed += 1),
        }),
        defineSink<number>({
          name: 'unopenable',
          open: () => {
            throw new Error('no such bucket')
          },
          write: () => undefined,
        })(),
      ),
    )
    expect(error.message).toBe('unopenable: open failed: no such bucket')
    expect(error.report?.status).toBe('failed')
    expectBalanced(error.report as RunReport)
    expect(closed).toBe(1)
  })

  it('reports records a plain rxjs operator swallowed as unaccounted, with a warning', async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3, 4]),
      (input: Flow<number>) =>
        input.pipe(rxFilter((value) => value._tag === 'Right' && value.right !== 2)),
      toArray(),
    )
    expect(report.records).toEqual([1, 3, 4])
    expect(report.droppedByReason).toEqual({ unaccounted: 1 })
    expect(report.failures[0]).toMatchObject({ _tag: 'LedgerWarning' })
    expectBalanced(report, { allowUnaccounted: true })
  })

  it('fails a run stalled by records a plain rxjs operator swallowed, instead of hanging', async () => {
    const result = await runToArray(
      pipe(fromGenerator(range(1_000)), (input: Flow<number>) =>
        input.pipe(rxFilter((value) => value._tag === 'Right' && value.right < 5)),
      ),
      { highWaterMark: 10, stallTimeoutMs: 50 },
    )
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toMatch(/stalled .* wrap it|stalled/)
    expect(result.error?.message).toContain('rx(operator)')
    expectBalanced(result.report)
  })

  it('lets a plain 1:1 rxjs operator stand in the pipe', async () => {
    const report = await pipe(
      fromGenerator([1, 2]),
      (input: Flow<number>) => input.pipe(rxMap((value) => value)),
      toArray(),
    )
    expect(report.records).toEqual([1, 2])
    expect(report.dropped).toBe(0)
  })

  it('prints progress lines and a summary table only when asked', async () => {
    const output = new PassThrough()
    let text = ''
    output.on('data', (chunk: Buffer) => (text += chunk.toString()))
    await pipe(
      fromGenerator(range(10)),
      toArray({ name: 'demo', progress: { stream: output, intervalMs: 1 } }),
    )
    expect(text).toContain('demo completed')
    expect(text).toMatch(
      /stage\s+in\s+out\s+dropped\s+failed\s+created\s+merged\s+busy ms\s+wall ms/,
    )
    expect(text).toMatch(/fromGenerator\s+10\s+10/)
  })
})

describe('failures', () => {
  it('reach hooks, the report and dead letters as the same frozen value', async () => {
    const letters = toArray<DeadLetterRecord>()
    const report = await pipe(
      fromGenerator([1]),
      map((): number => {
        throw new Error('no')
      }),
      deadLetter(letters),
      toArray({
        hooks: {
          onFailure: (failure) => {
            ;(failure as { message: string }).message = 'changed by a hook'
          },
        },
      }),
    )
    expect(report.failures[0]?.message).toBe('map: no')
    expect(Object.isFrozen(report.failures[0])).toBe(true)
    expect(report.failures.filter((f) => f._tag === 'HookError')).toHaveLength(1)
    expect(
      (report.deadLetter as RunReport & { records: DeadLetterRecord[] }).records[0]?.message,
    ).toBe('map: no')
  })
})

describe('an abort that comes too late', () => {
  it('changes nothing once every record was delivered: the run completes', async () => {
    const controller = new AbortController()
    const late = defineSink<number>({
      name: 'late',
      write: () => undefined,
      close: async () => {
        controller.abort()
        await new Promise((resolve) => setTimeout(resolve, 1))
      },
    })
    const report = await pipe(fromGenerator([1, 2, 3]), late({ signal: controller.signal }))
    expect(report.status).toBe('completed')
    expect(report.written).toBe(3)
  })

  it('still aborts a run whose last records were not delivered yet', async () => {
    const controller = new AbortController()
    const delivered: number[] = []
    // One record per batch: the abort lands while the first is written, while the sink finishes.
    const slow = defineSink<number>({
      name: 'slow',
      batchSize: 1,
      write: async (batch) => {
        controller.abort()
        await new Promise((resolve) => setTimeout(resolve, 1))
        delivered.push(...batch)
      },
    })
    const error = await rejection(
      pipe(fromGenerator([1, 2, 3]), slow({ signal: controller.signal })),
    )
    expect(error.name).toBe('AbortError')
    expect(delivered).toEqual([1])
    expect(error.report).toMatchObject({
      status: 'aborted',
      written: 1,
      droppedByReason: { aborted: 2 },
    })
  })
})

describe('the names of a run and of its sink', () => {
  it("names the run with `name` and the sink's stage with `stageName`, separately", async () => {
    const seen: string[] = []
    const report = await pipe(
      fromGenerator([1, 2]),
      toArray({
        name: 'nightly import',
        stageName: 'collect results',
        hooks: { preStage: (stage) => void seen.push(stage.name) },
      }),
    )
    expect(report.name).toBe('nightly import')
    expect(report.stages.map((stage) => stage.name)).toEqual(['fromGenerator', 'collect results'])
    expect(seen).toContain('collect results')
  })

  it("keeps the defaults: the sink's own name for both, `name` for the run only", async () => {
    const plain = await pipe(fromGenerator([1]), toArray())
    expect([plain.name, plain.stages.at(-1)?.name]).toEqual(['toArray', 'toArray'])
    const named = await pipe(fromGenerator([1]), toArray({ name: 'job' }))
    expect([named.name, named.stages.at(-1)?.name]).toEqual(['job', 'toArray'])
  })

  it('names a defineSink failure after the stage it happened in', async () => {
    const flaky = defineSink<number>({
      name: 'flaky',
      write: () => {
        throw new Error('no')
      },
    })
    const report = await pipe(fromGenerator([1]), flaky({ name: 'job', stageName: 'crm upload' }))
    expect(report.failures.map((f) => [f.stage, f.message])).toEqual([
      ['crm upload', 'crm upload: no'],
    ])
  })
})
