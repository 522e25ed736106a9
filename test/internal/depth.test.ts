import { describe, expect, it } from 'vitest'
import { of } from 'rxjs'
import { right } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { depthOf, isFlow, subscribing, withDepth } from '../../src/internal/depth.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { filter } from '../../src/operators/filter.js'
import { toArray } from '../../src/sinks/toArray.js'

describe('depthOf', () => {
  it('counts the stages from the source: 0 for a source, one more per operator', () => {
    const source = fromGenerator([1])
    const once = pipe(
      source,
      map((n: number) => n),
    )
    const twice = pipe(
      once,
      filter(() => true),
    )
    expect(depthOf(source)).toBe(0)
    expect(depthOf(twice)).toBeGreaterThan(depthOf(once))
    expect(depthOf(once)).toBeGreaterThan(depthOf(source))
  })

  it('is 0 for an Observable that is not a flow', () => {
    expect(depthOf(of(right(1)))).toBe(0)
  })
})

describe('isFlow', () => {
  it('tells PowerFlow flows from plain Observables', () => {
    expect(isFlow(fromGenerator([1]))).toBe(true)
    expect(
      isFlow(
        pipe(
          fromGenerator([1]),
          map((n: number) => n),
        ),
      ),
    ).toBe(true)
    expect(isFlow(of(right(1)))).toBe(false)
  })
})

describe('withDepth', () => {
  it('registers a new flow at the given depth that gives what the Observable gives', async () => {
    const flow = withDepth(of(right('a'), right('b')), 3)
    expect(isFlow(flow)).toBe(true)
    expect(depthOf(flow)).toBe(3)
    const report = await toArray<string>()(flow)
    expect(report.records).toEqual(['a', 'b'])
  })
})

describe('subscribing', () => {
  it('gives back what its body returns, and restores the outer setting even when the body throws', () => {
    expect(subscribing(true, () => 42)).toBe(42)
    expect(() =>
      subscribing(true, () => {
        throw new Error('inner')
      }),
    ).toThrow('inner')
    expect(subscribing(false, () => subscribing(true, () => 'nested'))).toBe('nested')
  })
})
