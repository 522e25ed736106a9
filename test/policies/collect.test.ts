import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/sinks/toArray.js'
import { collect } from '../../src/policies/collect.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced } from '../support/ledger.js'

const failingEvery = (step: number) =>
  map((n: number) => {
    if (n % step === 0) throw new Error(`bad ${n}`)
    return n
  })

describe('collect', () => {
  it('keeps going past every failure and completes with them all in the report, in order', async () => {
    const report = await pipe(
      fromGenerator(Array.from({ length: 20 }, (_, n) => n)),
      failingEvery(5),
      collect(),
      toArray(),
    )
    expect(report.status).toBe('completed')
    expectBalanced(report)
    expect(report.records).toEqual(
      Array.from({ length: 20 }, (_, n) => n).filter((n) => n % 5 !== 0),
    )
    expect(report.failures.map((failure) => failure.message)).toEqual([
      'map: bad 0',
      'map: bad 5',
      'map: bad 10',
      'map: bad 15',
    ])
  })

  it('behaves as a run with no policy at all', async () => {
    const input = Array.from({ length: 30 }, (_, n) => n)
    const plain = await runToArray(pipe(fromGenerator(input), failingEvery(4)))
    const collected = await runToArray(pipe(fromGenerator(input), failingEvery(4), collect()))
    expect(collected.records).toEqual(plain.records)
    expect(collected.failures.map((failure) => failure.message)).toEqual(
      plain.failures.map((failure) => failure.message),
    )
    expect(collected.report.status).toBe(plain.report.status)
  })

  it('completes with exactly maxFailures failures', async () => {
    const report = await pipe(
      fromGenerator(Array.from({ length: 20 }, (_, n) => n)),
      failingEvery(5),
      collect({ maxFailures: 4 }),
      toArray(),
    )
    expect(report.status).toBe('completed')
    expect(report.failed).toBe(4)
    expectBalanced(report)
  })

  it('fails the run at the failure past maxFailures, saying so and naming the last failure', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator(Array.from({ length: 1_000 }, (_, n) => n)),
        failingEvery(5),
        collect({ maxFailures: 2 }),
      ),
    )
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toContain('more than 2 failures (maxFailures)')
    expect(result.error?.message).toContain('map: bad 10')
    expect(result.report.failed).toBe(3)
    expectBalanced(result.report)
    expect(result.records).toEqual([1, 2, 3, 4, 6, 7, 8, 9])
  })

  it('fails the run at its first failure when maxFailures is 0', async () => {
    const result = await runToArray(
      pipe(fromGenerator([1, 2, 3, 4]), failingEvery(2), collect({ maxFailures: 0 })),
    )
    expect(result.report.status).toBe('failed')
    expect(result.report.failed).toBe(1)
    expect(result.records).toEqual([1])
    expectBalanced(result.report)
  })
})
