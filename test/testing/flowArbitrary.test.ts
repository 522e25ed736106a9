import fc from 'fast-check'
import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { flowArbitrary } from '../../src/testing/flowArbitrary.js'

describe('flowArbitrary', () => {
  it('mixes Right records from the given arbitrary with Left failures', () => {
    fc.assert(
      fc.property(flowArbitrary(fc.integer({ min: 0, max: 9 })), (values) => {
        for (const value of values) {
          if (isRight(value)) expect(value.right).toBeGreaterThanOrEqual(0)
          else {
            expect(value.left.stage).toBe('flowArbitrary')
            expect(['ParseError', 'ValidationError', 'TransformError']).toContain(value.left._tag)
            expect(value.left.message).toMatch(/^flowArbitrary input\.csv line \d+: ./s)
          }
        }
      }),
    )
  })

  it('makes about failureRate of the values failures', () => {
    const count = (rate: number): number => {
      const samples = fc.sample(
        flowArbitrary(fc.constant(1), { failureRate: rate, minLength: 50 }),
        {
          numRuns: 40,
          seed: 11,
        },
      )
      const all = samples.flat()
      return all.filter(isLeft).length / all.length
    }
    expect(count(0)).toBe(0)
    expect(count(1)).toBe(1)
    expect(count(0.2)).toBeGreaterThan(0.1)
    expect(count(0.2)).toBeLessThan(0.3)
    expect(count(0.7)).toBeGreaterThan(0.6)
  })

  it('keeps to minLength and maxLength', () => {
    const samples = fc.sample(flowArbitrary(fc.boolean(), { minLength: 2, maxLength: 4 }), {
      numRuns: 100,
      seed: 1,
    })
    for (const values of samples) {
      expect(values.length).toBeGreaterThanOrEqual(2)
      expect(values.length).toBeLessThanOrEqual(4)
    }
  })

  it('throws a RangeError for a failureRate outside 0 to 1', () => {
    expect(() => flowArbitrary(fc.integer(), { failureRate: 1.5 })).toThrow(
      new RangeError('flowArbitrary: failureRate must be between 0 and 1, got 1.5'),
    )
    expect(() => flowArbitrary(fc.integer(), { failureRate: Number.NaN })).toThrow(RangeError)
  })
})
