import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeValue, MAX_DESCRIBED_LENGTH } from '../../src/internal/describeValue.js'

describe('describeValue', () => {
  it('shows each kind of value one way', () => {
    expect(describeValue('abc')).toBe('"abc"')
    expect(describeValue(12.5)).toBe('12.5')
    expect(describeValue(Number.NaN)).toBe('NaN')
    expect(describeValue(true)).toBe('true')
    expect(describeValue(10n)).toBe('10n')
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue(null)).toBe('null')
    expect(describeValue(() => 1)).toBe('a function')
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)')
    expect(describeValue(new Date('2024-05-01T00:00:00Z'))).toBe('2024-05-01T00:00:00.000Z')
    expect(describeValue(new Date(Number.NaN))).toBe('Invalid Date')
    expect(describeValue({})).toBe('{}')
    expect(describeValue([1, 'a'])).toBe('[1,"a"]')
  })

  it('cuts long texts to the limit, ending in an ellipsis', () => {
    const text = describeValue('x'.repeat(200))
    expect(text).toHaveLength(MAX_DESCRIBED_LENGTH)
    expect(text.endsWith('…')).toBe(true)
  })

  it('never throws: cycles, hostile proxies, throwing toJSON', () => {
    const cycle: Record<string, unknown> = {}
    cycle['self'] = cycle
    expect(describeValue(cycle)).toBe('an object')
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no')
        },
        getPrototypeOf() {
          throw new Error('no')
        },
        ownKeys() {
          throw new Error('no')
        },
      },
    )
    expect(() => describeValue(hostile)).not.toThrow()
    expect(
      describeValue({
        toJSON() {
          throw new Error('no')
        },
      }),
    ).toBe('an object')
  })

  it('gives a string of at most the limit for any value', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const text = describeValue(value)
        expect(typeof text).toBe('string')
        expect(text.length).toBeLessThanOrEqual(MAX_DESCRIBED_LENGTH)
      }),
    )
  })
})
