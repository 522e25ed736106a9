import fc from 'fast-check'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'
import { failFast } from '../../src/policies/failFast.js'
import { profile } from '../../src/operators/profile.js'
import { map } from '../../src/operators/map.js'
import { validate } from '../../src/operators/validate.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { ColumnProfile, ProfileReport } from '../../src/core/ColumnProfile.js'
import type { RunReport } from '../../src/core/RunReport.js'

function profileOf(report: RunReport, stage = 'profile'): ProfileReport {
  const found = report.profiles?.[stage]
  if (found === undefined) throw new Error(`no profile ${stage} in the report`)
  return found
}

function column(report: RunReport, name: string, stage = 'profile'): ColumnProfile {
  const found = profileOf(report, stage).columns[name]
  if (found === undefined) throw new Error(`no column ${name}`)
  return found
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

const cell = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('', ' ', null, undefined, 'won', 'lost', 'Acme, Inc.', '12', '3.5', '-0.5e2'),
  fc.string({ maxLength: 6 }),
)

describe('profile', () => {
  it('passes every record through unchanged (the operator laws, with the identity as model)', async () => {
    await expectOperatorLaws(() => profile<{ a: number; b: string }>(), {
      input: fc.record({ a: fc.integer(), b: fc.string() }),
      model: (records) => records,
    })
  })

  it('computes the exact figures as a reference computation does, on arbitrary data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.constantFrom('x', 'y', 'z'), cell, { maxKeys: 3 }), {
          maxLength: 60,
        }),
        async (records) => {
          const report = await pipe(fromGenerator(records), profile(), toArray())
          const found = profileOf(report)
          expect(found.records).toBe(records.length)
          for (const [name, result] of Object.entries(found.columns)) {
            const values = records.map((record) =>
              Object.hasOwn(record, name) ? record[name] : undefined,
            )
            const filled = values.filter(
              (value) => value !== undefined && value !== null && value !== '',
            )
            expect(result.count).toBe(records.length)
            expect(result.missing).toBe(records.length - filled.length)
            if (result.type === 'integer' || result.type === 'number') {
              // Numbers, and text that is a decimal number (JavaScript's Number(' ') is 0: not one).
              const numbers = filled
                .filter(
                  (value) =>
                    typeof value === 'number' || (typeof value === 'string' && DECIMAL.test(value)),
                )
                .map(Number)
                .filter(Number.isFinite)
              expect(result.min).toBe(Math.min(...numbers))
              expect(result.max).toBe(Math.max(...numbers))
              const mean = numbers.reduce((sum, n) => sum + n, 0) / numbers.length
              expect(result.mean).toBeCloseTo(mean, 6)
            } else if (filled.length > 0) {
              const texts = filled.map(String).sort()
              expect(result.min).toBe(texts[0])
              expect(result.max).toBe(texts[texts.length - 1])
            }
            const kinds = Object.values(result.types).reduce((sum, n) => sum + n, 0)
            expect(kinds).toBe(filled.length)
            expect(result.typeShare).toBeGreaterThanOrEqual(0)
            expect(result.typeShare).toBeLessThanOrEqual(1)
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('keeps its estimates within their documented error on a large seeded input', async () => {
    const rows = 300_000
    let seed = 7
    const random = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
      return seed / 2 ** 32
    }
    const amounts: number[] = []
    function* generate(): Generator<{ id: string; amount: number; region: string }> {
      for (let i = 0; i < rows; i++) {
        const amount = Math.round(Math.exp(random() * 12) * 100) / 100
        amounts.push(amount)
        yield {
          id: `C-${i}`,
          amount,
          region: random() < 0.6 ? 'EMEA' : random() < 0.5 ? 'AMER' : 'APAC',
        }
      }
    }
    const report = await pipe(fromGenerator(generate()), profile(), toArray())
    const id = column(report, 'id')
    expect(Math.abs(id.distinct - rows) / rows).toBeLessThan(0.02)
    const amount = column(report, 'amount')
    const sorted = [...amounts].sort((a, b) => a - b)
    for (const [q, estimate] of [
      [0.5, amount.quantiles?.p50],
      [0.95, amount.quantiles?.p95],
      [0.99, amount.quantiles?.p99],
    ] as const) {
      const truth = sorted[Math.floor(q * (rows - 1))] as number
      expect(Math.abs((estimate as number) - truth) / truth).toBeLessThan(0.011)
    }
    expect(amount.histogram?.reduce((sum, bin) => sum + bin.count, 0)).toBe(rows)
    const region = column(report, 'region')
    expect(region.topValues.map((top) => top.value)).toEqual(['EMEA', 'AMER', 'APAC'])
    expect(region.topValuesExact).toBe(true)
    expect(region.distinct).toBe(3)
  }, 60_000)

  it('profiles numbers given as text as numbers, and typed records alike', async () => {
    const raw = [{ amount: '1,200' }, { amount: '1200.50' }, { amount: '300' }, { amount: '' }]
    const report = await pipe(fromGenerator(raw), profile(), toArray())
    const amount = column(report, 'amount')
    expect(amount.type).toBe('number')
    expect(amount.typeShare).toBeCloseTo(2 / 3)
    expect(amount.missing).toBe(1)
    expect(amount.min).toBe(300)
    expect(amount.max).toBe(1200.5)

    const Deal = t.type({ amount: NumberFromString })
    const typed = await pipe(
      fromGenerator([{ amount: '10' }, { amount: '20' }]),
      validate(Deal),
      profile({ name: 'typed' }),
      toArray(),
    )
    expect(column(typed, 'amount', 'typed')).toMatchObject({
      type: 'integer',
      min: 10,
      max: 20,
      mean: 15,
    })
  })

  it('profiles only the chosen columns, names each stage, and keeps a __proto__ column', async () => {
    const records = [JSON.parse('{"__proto__": "x", "a": 1, "b": 2}') as Record<string, unknown>]
    const report = await pipe(
      fromGenerator(records),
      profile({ name: 'first' }),
      profile({ name: 'second', columns: ['b', 'missing'] }),
      toArray(),
    )
    expect(Object.keys(profileOf(report, 'first').columns)).toEqual(['__proto__', 'a', 'b'])
    expect(Object.hasOwn(profileOf(report, 'first').columns, '__proto__')).toBe(true)
    expect(Object.keys(profileOf(report, 'second').columns)).toEqual(['b', 'missing'])
    expect(column(report, 'missing', 'second')).toMatchObject({ missing: 1, type: 'empty' })
  })

  it('counts columns beyond maxColumns without profiling them, and profiles plain values as "value"', async () => {
    const wide = await pipe(
      fromGenerator([{ a: 1, b: 2, c: 3, d: 4 }]),
      profile({ maxColumns: 2 }),
      toArray(),
    )
    expect(Object.keys(profileOf(wide).columns)).toEqual(['a', 'b'])
    expect(profileOf(wide).columnsOmitted).toBe(2)
    const plain = await pipe(fromGenerator([1, 2, 3]), profile(), toArray())
    expect(column(plain, 'value')).toMatchObject({ type: 'integer', mean: 2 })
  })

  it('is in the report when the run fails', async () => {
    const run = pipe(
      fromGenerator([{ n: 1 }, { n: 2 }, { n: 3 }]),
      profile(),
      map((record: { n: number }) => {
        if (record.n === 2) throw new Error('boom')
        return record
      }),
      failFast(),
      toArray(),
    )
    const error = (await run.catch((caught: unknown) => caught)) as { report: RunReport }
    expect(error.report.status).toBe('failed')
    expect(profileOf(error.report).records).toBeGreaterThanOrEqual(2)
  })

  it('refuses options that cannot work', () => {
    expect(() => profile({ topK: 0 })).toThrow(/topK must be a positive integer/)
    expect(() => profile({ histogramBins: 1.5 })).toThrow(/histogramBins/)
  })
})
