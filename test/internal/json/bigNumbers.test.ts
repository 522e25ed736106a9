import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  bigNumberReason,
  findBigNumbers,
  mayHoldBigNumbers,
  parseKeeping,
} from '../../../src/internal/json/bigNumbers.js'

describe('mayHoldBigNumbers', () => {
  it('says yes to a run of 16 digits or a 3-digit exponent, and no otherwise', () => {
    expect(mayHoldBigNumbers('{"id":1234567890123456}')).toBe(true)
    expect(mayHoldBigNumbers('[1e400]')).toBe(true)
    expect(mayHoldBigNumbers('[1E-400]')).toBe(true)
    expect(mayHoldBigNumbers('[1e+400]')).toBe(true)
    expect(mayHoldBigNumbers('{"id":123456789012345}')).toBe(false)
    expect(mayHoldBigNumbers('[1e40, 2.5e9, 9007199254740.5]')).toBe(false)
    // A quick test: it may say yes to a text without one (a signed 2-digit exponent).
    expect(mayHoldBigNumbers('[2.5e-10]')).toBe(true)
    expect(findBigNumbers('[2.5e-10]')).toEqual([])
  })

  it('never says no to a text holding a number JSON.parse would change', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }), fc.boolean(), (big, negative) => {
        const literal = `${negative ? '-' : ''}${big}`
        if (findBigNumbers(`[${literal}]`).length > 0)
          expect(mayHoldBigNumbers(`[${literal}]`)).toBe(true)
      }),
    )
  })
})

describe('findBigNumbers', () => {
  it('finds integers beyond 2^53 that lose digits, with where they are', () => {
    const text =
      '{"id":9007199254740993,"items":[{"n":1},{"n":-12345678901234567891}],"ok":9007199254740991}'
    expect(findBigNumbers(text)).toEqual([
      { start: 6, end: 22, path: 'id', text: '9007199254740993', integer: true },
      {
        start: text.indexOf('-1'),
        end: text.indexOf('-1') + 21,
        path: 'items[1].n',
        text: '-12345678901234567891',
        integer: true,
      },
    ])
  })

  it('leaves integers beyond 2^53 alone when a double holds them exactly', () => {
    expect(findBigNumbers('[9007199254740992, 10000000000000000000, 18014398509481984]')).toEqual(
      [],
    )
  })

  it('finds numbers out of a double range, which read as Infinity or 0', () => {
    expect(
      findBigNumbers('[1e400, -2.5E+999, 1e-400, 0e999, 0.0e-500, 1.5e308]').map((each) => [
        each.text,
        each.path,
        each.integer,
      ]),
    ).toEqual([
      ['1e400', '[0]', false],
      ['-2.5E+999', '[1]', false],
      ['1e-400', '[2]', false],
    ])
  })

  it('skips strings, keys and escaped quotes that hold digits', () => {
    const text =
      '{"12345678901234567890":"x\\"12345678901234567890","a\\"b":{"c":[0, 99999999999999999999]}}'
    expect(findBigNumbers(text)).toEqual([
      expect.objectContaining({ path: 'a"b.c[1]', text: '99999999999999999999' }),
    ])
  })

  it('names a top-level number by an empty path, and reads lists of values', () => {
    expect(findBigNumbers('12345678901234567890')).toEqual([
      { start: 0, end: 20, path: '', text: '12345678901234567890', integer: true },
    ])
    expect(findBigNumbers('{"a":1}, [2, 12345678901234567890]').map((each) => each.path)).toEqual([
      '[1]',
    ])
  })

  it('finds exactly the integers JSON.parse changes, anywhere in a document', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), { minLength: 1, maxLength: 5 }),
        (numbers) => {
          const text = JSON.stringify({ a: numbers.map(String), b: { c: 'x' } }).replaceAll(
            /"(-?\d+)"/g,
            '$1',
          )
          const changed = numbers.filter((number) => BigInt(Number(number)) !== number)
          expect(findBigNumbers(text).map((each) => BigInt(each.text))).toEqual(changed)
        },
      ),
    )
  })
})

describe('parseKeeping', () => {
  const text = '{"id":12345678901234567891,"list":[1,1e400,-98765432109876543210]}'
  const numbers = findBigNumbers(text)

  it('keeps the numbers as their exact text', () => {
    expect(parseKeeping(text, numbers, 'string')).toEqual({
      id: '12345678901234567891',
      list: [1, '1e400', '-98765432109876543210'],
    })
  })

  it('keeps the integers as bigints, and the others as text', () => {
    expect(parseKeeping(text, numbers, 'bigint')).toEqual({
      id: 12345678901234567891n,
      list: [1, '1e400', -98765432109876543210n],
    })
  })

  it('gives back any integer exactly, as a bigint, wherever it is', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n }), fc.string(), (big, key) => {
        const json = `{${JSON.stringify(key)}:[${big}]}`
        const kept = parseKeeping(json, findBigNumbers(json), 'bigint') as Record<string, unknown>
        const value = (kept[key] as unknown[])[0]
        expect(typeof value === 'bigint' ? value : BigInt(value as number)).toBe(big)
      }),
    )
  })

  it('leaves strings of the data as strings, whatever they hold', () => {
    for (const nul of ['\\u0000', '\\u0000\\u0000']) {
      const text = `{"id":12345678901234567891,"s":"${nul}bigint:7","t":"${nul}"}`
      expect(parseKeeping(text, findBigNumbers(text), 'bigint')).toEqual({
        id: 12345678901234567891n,
        s: `${JSON.parse(`"${nul}"`)}bigint:7`,
        t: JSON.parse(`"${nul}"`),
      })
    }
  })

  it('changes nothing when there are no numbers to keep', () => {
    expect(parseKeeping('{"a":[1,2]}', [], 'bigint')).toEqual({ a: [1, 2] })
  })
})

describe('bigNumberReason', () => {
  it('says what the number would read as, where it is, and which option keeps it', () => {
    const [integer, out] = findBigNumbers('{"id":9007199254740993,"x":1e400}')
    expect(integer && bigNumberReason(integer)).toBe(
      "the number 9007199254740993 at id is beyond 2^53 and would read as 9007199254740992; pass bigNumbers: 'string' or 'bigint' to keep it",
    )
    expect(out && bigNumberReason(out)).toBe(
      "the number 1e400 at x is out of range and would read as Infinity; pass bigNumbers: 'string' or 'bigint' to keep it",
    )
    const [top] = findBigNumbers('1e-400')
    expect(top && bigNumberReason(top)).toBe(
      "the number 1e-400 is out of range and would read as 0; pass bigNumbers: 'string' or 'bigint' to keep it",
    )
  })
})
