import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import type { Branch } from '../../src/core/Branch.js'
import { runBranches } from '../../src/internal/branches.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { filter } from '../../src/operators/filter.js'
import { toArray } from '../../src/sinks/toArray.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { toJson } from '../../src/sinks/toJson.js'
import { expectBalanced, rejection } from '../support/ledger.js'

const recordsOf = (report: unknown): unknown[] => (report as { records: unknown[] }).records

describe('runBranches', () => {
  it('hands each record to exactly the branches the chooser names, in order, as an Array model does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        async (input, highWaterMark) => {
          const choose = (n: number): number[] => [0, 1, 2].filter((lane) => (n >> lane) & 1)
          const report = await runBranches(
            fromGenerator(input),
            'test',
            [
              ['a', toArray<number>() as Branch<number>],
              ['b', toArray<number>() as Branch<number>],
              ['c', toArray<number>() as Branch<number>],
            ],
            choose,
            { highWaterMark },
          )
          const lanes = ['a', 'b', 'c'] as const
          lanes.forEach((lane, index) =>
            expect(recordsOf(report.branches[lane]), lane).toEqual(
              input.filter((n) => choose(n).includes(index)),
            ),
          )
          const unrouted = input.filter((n) => choose(n).length === 0).length
          expect(report.written).toBe(input.length - unrouted)
          expect(report.droppedByReason['unrouted'] ?? 0).toBe(unrouted)
          expect(report.maxInFlight).toBeLessThanOrEqual(highWaterMark)
          expectBalanced(report)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('counts a record as written in the run once every branch it entered has settled it, whatever each did', async () => {
    const report = await runBranches(
      fromGenerator([1, 2, 3, 4]),
      'fanOut',
      [
        ['all', toArray<number>() as Branch<number>],
        [
          'even',
          (flow) =>
            pipe(
              flow,
              filter((n: number) => n % 2 === 0),
              toArray(),
            ),
        ],
      ],
      () => [0, 1],
      {},
    )
    expect(report.written).toBe(4)
    expect(recordsOf(report.branches['even'])).toEqual([2, 4])
    expect(report.branches['even']?.droppedByReason['filtered']).toBe(2)
    expectBalanced(report)
  })

  it('counts a record a branch fails as settled, keeping the branch failures in the branch report and the run', async () => {
    const broken = defineSink<number>({
      name: 'broken',
      write() {
        throw new Error('disk full')
      },
    })()
    const report = await runBranches(
      fromGenerator([1, 2]),
      'fanOut',
      [
        ['ok', toArray<number>() as Branch<number>],
        ['bad', broken],
      ],
      () => [0, 1],
      {},
    )
    expect(report.written).toBe(2)
    expect(recordsOf(report.branches['ok'])).toEqual([1, 2])
    expect(report.branches['bad']?.failures.map((failure) => failure.message)).toEqual([
      'broken: disk full',
      'broken: disk full',
    ])
    expect(report.failures.map((failure) => failure.message)).toEqual([
      'broken: disk full',
      'broken: disk full',
    ])
    expectBalanced(report)
  })

  it('fails the run, saying why, when a branch sink cannot start', async () => {
    const error = await rejection(
      runBranches(
        fromGenerator([1, 2]),
        'fanOut',
        [
          ['ok', toArray<number>() as Branch<number>],
          ['file', toJson<number>(join(tmpdir(), `powerflow-missing-${process.pid}`, 'x.json'))],
        ],
        () => [0, 1],
        {},
      ),
    )
    expect(error.report?.status).toBe('failed')
    expect(error.message).toContain('does not exist')
  })
})
