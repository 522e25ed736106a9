import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FieldValue,
  accumulatorFactory,
  asNumber,
  isBlank,
  type CustomDefinition,
} from '../../../src/internal/aggregate/measures.js'
import { describeValue } from '../../../src/internal/describeValue.js'

/** Folds `values` into a fresh `measure` of field `f`, as aggregate does; collects the refusals. */
function fold(
  measure: string | CustomDefinition,
  values: readonly unknown[],
): { result: unknown; refused: string[] } {
  const accumulator = accumulatorFactory('f', measure)()
  const input = new FieldValue()
  const refused: string[] = []
  values.forEach((value, index) => {
    input.read(value)
    const reason = accumulator.check(input, { f: value, index })
    if (reason === undefined) accumulator.commit()
    else refused.push(reason)
  })
  return { result: accumulator.result(), refused }
}

/** The obvious model of a blank value. */
const blankModel = (value: unknown): boolean =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '')

const blank = fc.constantFrom(null, undefined, '', ' ', '\t', ' \n ', '\u00a0')
const padded = (text: string): fc.Arbitrary<string> =>
  fc.constantFrom(text, ` ${text}`, `${text} `, `\t${text}\n`)
/** A number, the string that spells it (maybe padded with whitespace), or a blank. */
const numeric = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).chain((n) => padded(String(n))),
  },
  {
    weight: 1,
    arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  },
  { weight: 1, arbitrary: blank },
)
const word = fc.stringMatching(/^[a-z]{1,6}$/)
const filled = (values: readonly unknown[]): unknown[] => values.filter((v) => !blankModel(v))

describe('accumulatorFactory', () => {
  it('sum: adds every number and numeric string, skipping blanks, as Array reduce does', () => {
    fc.assert(
      fc.property(fc.array(numeric), (values) => {
        const { result, refused } = fold('sum', values)
        expect(refused).toEqual([])
        expect(result).toBe(filled(values).reduce<number>((sum, v) => sum + Number(v), 0))
      }),
    )
  })

  it('sum: refuses a value that spells no number, naming the field and value, and leaves the total as it was', () => {
    fc.assert(
      fc.property(fc.array(numeric), word, fc.array(numeric), (before, bad, after) => {
        const { result, refused } = fold('sum', [...before, bad, ...after])
        expect(refused).toEqual([`f: expected a number, got ${JSON.stringify(bad)}`])
        expect(result).toBe(fold('sum', [...before, ...after]).result)
      }),
    )
  })

  it('count: counts the values that are not blank', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(numeric, word, blank)), (values) => {
        expect(fold('count', values)).toEqual({ result: filled(values).length, refused: [] })
      }),
    )
  })

  it('avg: is sum over count of the values that are not blank, or null when there are none', () => {
    fc.assert(
      fc.property(fc.array(numeric), (values) => {
        const numbers = filled(values).map(Number)
        const expected =
          numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length
        expect(fold('avg', values).result).toBe(expected)
      }),
    )
  })

  for (const [measure, pick] of [
    ['min', Math.min],
    ['max', Math.max],
  ] as const) {
    it(`${measure}: of numbers and numeric strings is the ${measure} number, or null when all are blank`, () => {
      fc.assert(
        fc.property(fc.array(numeric), (values) => {
          const numbers = filled(values).map(Number)
          const { result, refused } = fold(measure, values)
          expect(refused).toEqual([])
          expect(result).toBe(numbers.length === 0 ? null : pick(...numbers))
        }),
      )
    })

    it(`${measure}: of strings with a word among them compares them all as text, in code-unit order`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(word, fc.integer({ min: 0, max: 999 }).map(String), blank)),
          word,
          (values, oneWord) => {
            const all = [...values, oneWord]
            const texts = filled(all) as string[]
            const expected = texts.reduce((best, text) =>
              measure === 'max' ? (text > best ? text : best) : text < best ? text : best,
            )
            expect(fold(measure, all)).toEqual({ result: expected, refused: [] })
          },
        ),
      )
    })

    it(`${measure}: gives the same result whatever order the values come in`, () => {
      fc.assert(
        fc.property(
          fc
            .array(fc.oneof(numeric, word))
            .chain((values) =>
              fc.tuple(
                fc.constant(values),
                fc.shuffledSubarray(values, { minLength: values.length }),
              ),
            ),
          ([values, shuffled]) => {
            // Numbers among words are refused in some orders and not in others: strings only.
            const strings = values.map(String)
            const reordered = shuffled.map(String)
            expect(fold(measure, reordered).result).toEqual(fold(measure, strings).result)
          },
        ),
      )
    })

    it(`${measure}: of Dates is the ${measure} Date itself, and refuses a number or a string after one`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.date({ noInvalidDate: true }), { minLength: 1 }),
          fc.oneof(fc.integer(), word),
          (dates, other) => {
            const { result, refused } = fold(measure, [...dates, other])
            const times = dates.map((date) => date.getTime())
            expect(result).toBeInstanceOf(Date)
            expect((result as Date).getTime()).toBe(pick(...times))
            expect(refused).toHaveLength(1)
            expect(refused[0]).toContain("f: expected a Date like the group's earlier values")
          },
        ),
      )
    })
  }

  it('max: refuses a word after a number, and a number after a word', () => {
    expect(fold('max', [1, 'abc']).refused).toEqual(['f: expected a number, got "abc"'])
    expect(fold('max', ['abc', 1]).refused).toEqual([
      "f: expected a string like the group's earlier values, got 1",
    ])
    expect(fold('max', [{ a: 1 }]).refused).toEqual([
      'f: expected a number, a string or a Date, got {"a":1}',
    ])
  })

  it('countDistinct: counts distinct values that are not blank, Dates by their value', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 5 }),
            fc.integer({ min: 0, max: 5 }).map(String),
            fc.integer({ min: 0, max: 3 }).map((day) => new Date(Date.UTC(2026, 0, day + 1))),
            blank,
          ),
        ),
        (values) => {
          const keys = filled(values).map((v) => (v instanceof Date ? `date ${v.getTime()}` : v))
          expect(fold('countDistinct', values)).toEqual({
            result: new Set(keys).size,
            refused: [],
          })
        },
      ),
    )
  })

  it('first and last: are the first and the last value that is not blank, or null', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(numeric, word, blank)), (values) => {
        const kept = filled(values)
        expect(fold('first', values).result).toEqual(kept.length === 0 ? null : kept[0])
        expect(fold('last', values).result).toEqual(kept.length === 0 ? null : kept.at(-1))
      }),
    )
  })

  it('a custom reducer: sees every value, blanks included, and the record, and its result maps the end', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(numeric, word, blank)), (values) => {
        const seen: unknown[] = []
        const definition: CustomDefinition = {
          name: 'all',
          initial: () => [] as unknown[],
          reduce: (acc, value, record) => {
            seen.push((record as { index: number }).index)
            return [...(acc as unknown[]), value]
          },
          result: (acc) => (acc as unknown[]).length,
        }
        expect(fold(definition, values)).toEqual({ result: values.length, refused: [] })
        expect(seen).toEqual(values.map((_, index) => index))
      }),
    )
  })

  it('makes a fresh accumulator each call, sharing nothing between groups', () => {
    const make = accumulatorFactory('f', 'sum')
    const a = make()
    const b = make()
    const input = new FieldValue()
    input.read(5)
    expect(a.check(input, {})).toBeUndefined()
    a.commit()
    expect(a.result()).toBe(5)
    expect(b.result()).toBe(0)
  })

  it('changes nothing visible on check: only commit adds the value', () => {
    for (const measure of ['sum', 'count', 'avg', 'min', 'max', 'countDistinct', 'first', 'last']) {
      const accumulator = accumulatorFactory('f', measure)()
      const input = new FieldValue()
      const before = accumulator.result()
      input.read(7)
      expect(accumulator.check(input, {})).toBeUndefined()
      expect(accumulator.result(), measure).toEqual(before)
      accumulator.commit()
      expect(accumulator.result(), measure).not.toEqual(before)
    }
  })

  it('throws a TypeError naming the field and the known measures for an unknown measure', () => {
    expect(() => accumulatorFactory('amount', 'median')).toThrow(TypeError)
    expect(() => accumulatorFactory('amount', 'median')).toThrow(
      'aggregate: unknown measure "median" for field amount; use sum, count, avg, min, max, countDistinct, first, last or a reducer',
    )
  })
})

describe('isBlank', () => {
  it('is true of null, undefined and strings of whitespace only, as trim says', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^[\s\u00a0\u2028\ufeff]*[a-z]?[\s]*$/),
          fc.constantFrom(null, undefined, 0, false, NaN),
          fc.integer(),
        ),
        (value) => {
          expect(isBlank(value)).toBe(blankModel(value))
        },
      ),
    )
  })
})

describe('asNumber', () => {
  it('reads back every finite number from the string that spells it, padded or not', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom('', ' ', '\t', '\n '),
        (n, pad) => {
          expect(asNumber(`${pad}${String(n)}${pad}`)).toBe(Number(String(n)))
          expect(asNumber(n)).toBe(n)
        },
      ),
    )
  })

  it('is undefined of NaN, non-numeric strings and other types', () => {
    for (const value of [
      NaN,
      '',
      ' ',
      'abc',
      '1,5',
      '1_000',
      '0x10',
      'Infinity',
      '1e',
      '--1',
      null,
      undefined,
      true,
      {},
      [],
      new Date(0),
    ])
      expect(asNumber(value), describeValue(value)).toBeUndefined()
  })

  it('reads decimals in every spelling the pattern allows', () => {
    expect(asNumber('.5')).toBe(0.5)
    expect(asNumber('5.')).toBe(5)
    expect(asNumber('+7')).toBe(7)
    expect(asNumber('-1.5e3')).toBe(-1500)
    expect(asNumber('2E-2')).toBe(0.02)
  })
})

describe('FieldValue', () => {
  it('answers blank and number for the value last read, forgetting the one before', () => {
    const input = new FieldValue()
    input.read(' 42 ')
    expect(input.blank()).toBe(false)
    expect(input.number()).toBe(42)
    input.read('  ')
    expect(input.value).toBe('  ')
    expect(input.blank()).toBe(true)
    expect(input.number()).toBeUndefined()
    input.read('x')
    expect(input.number()).toBeUndefined()
    input.read(3)
    expect(input.number()).toBe(3)
  })

  it('agrees with isBlank and asNumber for any value', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(numeric, word, blank, fc.string())), (values) => {
        const input = new FieldValue()
        for (const value of values) {
          input.read(value)
          expect(input.number()).toBe(asNumber(value))
          expect(input.blank()).toBe(isBlank(value))
          expect(input.number()).toBe(asNumber(value))
        }
      }),
    )
  })
})

describe('saving accumulators for checkpoints', () => {
  const measures: Array<string | CustomDefinition> = [
    'sum',
    'count',
    'avg',
    'min',
    'max',
    'countDistinct',
    'first',
    'last',
    { name: 'list', initial: () => [], reduce: (acc, value) => [...(acc as unknown[]), value] },
  ]
  const samples: unknown[][] = [
    ['3', 4.5, null, '', '-2'],
    ['b', 'a', 'c'],
    [new Date('2026-01-02'), new Date('2025-05-06')],
    [],
  ]

  it('restores each measure to the same state: the same result now and after more values', () => {
    for (const measure of measures)
      for (const values of samples) {
        const input = new FieldValue()
        const feed = (accumulator: ReturnType<ReturnType<typeof accumulatorFactory>>) => {
          for (const value of values) {
            input.read(value)
            if (accumulator.check(input, { f: value }) === undefined) accumulator.commit()
          }
        }
        const original = accumulatorFactory('f', measure)()
        feed(original)
        const copy = accumulatorFactory('f', measure)()
        copy.restore(JSON.parse(JSON.stringify(original.save('test'))))
        expect(copy.result()).toEqual(original.result())
        feed(original)
        feed(copy)
        expect(copy.result()).toEqual(original.result())
      }
  })

  it('refuses a reducer whose accumulator is not data, naming it', () => {
    const accumulator = accumulatorFactory('f', {
      name: 'seen',
      initial: () => new Set(),
      reduce: (acc) => acc,
    })()
    expect(() => accumulator.save('aggregate: checkpoint')).toThrow(
      'aggregate: checkpoint: the accumulator of the reducer seen: cannot save a Set in a checkpoint',
    )
  })
})
