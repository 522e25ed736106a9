import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { valueTyper, type ValueTypingSettings } from '../../../src/internal/csv/valueTyping.js'

const all: ValueTypingSettings = { numbers: true, booleans: true, dates: true, nulls: true }
const none: ValueTypingSettings = { numbers: false, booleans: false, dates: false, nulls: false }

describe('valueTyper', () => {
  const typed = valueTyper(all)

  it('reads JSON-style numbers as numbers', () => {
    expect(['0', '-5', '42', '3.25', '-0.5', '1e5', '2.5E-3', '1e+2'].map(typed)).toEqual([
      0, -5, 42, 3.25, -0.5, 100000, 0.0025, 100,
    ])
  })

  it('keeps codes, partial numbers and non-JSON spellings as strings', () => {
    const kept = ['007', '-', '.5', '5.', '+1', '0x10', ' 1', '1 ', '1,5', 'Infinity', 'NaN', '1e']
    expect(kept.map(typed)).toEqual(kept)
  })

  it('keeps integers beyond 2^53 and numbers out of range as strings, digits intact', () => {
    expect(typed('9007199254740991')).toBe(9007199254740991)
    expect(typed('-9007199254740991')).toBe(-9007199254740991)
    expect(typed('9007199254740992')).toBe('9007199254740992')
    expect(typed('12345678901234567890')).toBe('12345678901234567890')
    expect(typed('1e400')).toBe('1e400')
    expect(typed('-1e400')).toBe('-1e400')
  })

  it('reads any safe integer back as itself', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        expect(typed(String(value))).toBe(value)
      }),
    )
  })

  it('reads true and false in any case, and nothing else, as booleans', () => {
    expect(['true', 'TRUE', 'False', 'fAlSe'].map(typed)).toEqual([true, true, false, false])
    expect(['yes', 'no', '1', 't', 'truex', 'falsey'].map(typed)).toEqual([
      'yes',
      'no',
      1,
      't',
      'truex',
      'falsey',
    ])
  })

  it('reads ISO 8601 dates and date-times, with or without a zone', () => {
    expect(typed('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'))
    expect(typed('2024-01-01T10:00:00Z')).toEqual(new Date('2024-01-01T10:00:00Z'))
    expect(typed('2024-01-01T10:00:00.123456789Z')).toEqual(new Date('2024-01-01T10:00:00.123Z'))
    expect(typed('2024-01-01T10:00+05:30')).toEqual(new Date('2024-01-01T04:30:00Z'))
    expect(typed('2024-01-01T10:00+0530')).toEqual(new Date('2024-01-01T04:30:00Z'))
    // Without a zone: local time, as Date reads it; a space may stand for the T.
    expect(typed('2024-01-01 10:00')).toEqual(new Date('2024-01-01T10:00'))
  })

  it('keeps impossible dates and times as strings', () => {
    const kept = [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-01-00',
      '2024-01-01T24:00',
      '2024-01-01T10:60',
      '2024-01-01T10:00:60',
      '2024-1-01',
      '2024-01-01T',
    ]
    expect(kept.map(typed)).toEqual(kept)
  })

  it('reads the empty field as null only with nulls on', () => {
    expect(typed('')).toBeNull()
    expect(valueTyper({ ...all, nulls: false })('')).toBe('')
  })

  it('converts only what is switched on', () => {
    const plain = valueTyper(none)
    const values = ['', '1', '2024-01-01', 'true', 'x']
    expect(values.map(plain)).toEqual(values)
    expect(valueTyper({ ...none, dates: true })('2024-01-01')).toEqual(new Date('2024-01-01'))
    expect(valueTyper({ ...none, dates: true })('1')).toBe('1')
    expect(valueTyper({ ...none, numbers: true })('2024-01-01')).toBe('2024-01-01')
    expect(valueTyper({ ...none, booleans: true })('TRUE')).toBe(true)
  })

  it('gives back any string it does not convert unchanged', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const result = typed(value)
        if (typeof result === 'string') expect(result).toBe(value)
        else if (typeof result === 'number') expect(Number(value)).toBe(result)
      }),
    )
  })
})
