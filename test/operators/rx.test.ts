import { describe, expect, it } from 'vitest'
import { bufferCount, delay, filter as rxFilter, map as rxMap, take } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import { rx } from '../../src/operators/rx.js'
import { map } from '../../src/operators/map.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { rejection } from '../support/ledger.js'

describe('rx', () => {
  it('counts records a plain rxjs operator discards as dropped, reason discarded', async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3, 4, 5]),
      rx(
        rxFilter((n: number) => n % 2 === 1),
        { name: 'odd only' },
      ),
      toArray(),
    )
    expect(report.records).toEqual([1, 3, 5])
    expect(report.droppedByReason).toEqual({ discarded: 2 })
    expect(report.stages[1]).toMatchObject({ name: 'odd only', in: 5, out: 3, dropped: 2 })
  })

  it('keeps the books when the rxjs operator emits fewer, bigger records', async () => {
    const report = await pipe(fromGenerator([1, 2, 3, 4, 5]), rx(bufferCount<number>(2)), toArray())
    expect(report.records).toEqual([[1, 2], [3, 4], [5]])
    expect(report.read + report.created).toBe(
      report.written + report.dropped + report.merged + report.failed,
    )
  })

  it('stops reading when the rxjs operator completes early', async () => {
    let pulled = 0
    const report = await pipe(
      fromGenerator(function* () {
        for (let n = 0; n < 100_000; n++) {
          pulled += 1
          yield n
        }
      }),
      rx(take<number>(3)),
      toArray(),
    )
    expect(report.records).toEqual([0, 1, 2])
    expect(report.status).toBe('completed')
    expect(pulled).toBeLessThan(1_000)
  })

  it('passes failures around the rxjs operator', async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      map((n: number) => {
        if (n === 2) throw new Error('two')
        return n
      }),
      rx(delay<number>(1)),
      toArray(),
    )
    expect(report.records).toEqual([1, 3])
    expect(report.failed).toBe(1)
    expect(report.dropped).toBe(0)
  })
})

describe('rx with an rxjs operator that throws', () => {
  it('fails the run with an error that names the stage', async () => {
    const error = await rejection(
      pipe(
        fromGenerator([1, 2, 3]),
        rx(
          rxMap((n: number) => {
            if (n === 2) throw new Error('kaboom')
            return n
          }),
          { name: 'risky' },
        ),
        toArray(),
      ),
    )
    expect(error.name).toBe('RunError')
    expect(error.message).toBe('risky: the rxjs operator threw: kaboom')
    expect(error.report?.status).toBe('failed')
  })
})
