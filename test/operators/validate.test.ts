import fc from 'fast-check'
import * as t from 'io-ts'
import { isRight } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { validate } from '../../src/operators/validate.js'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'
import { DateFromString } from '../../src/codecs/DateFromString.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import type { Flow } from '../../src/core/Flow.js'
import { expectOperatorLaws } from '../../src/testing/expectOperatorLaws.js'
import { runToArray } from '../../src/testing/runToArray.js'

const Deal = t.type({ id: t.string, amount: t.number })

async function messagesOf<C extends t.Any>(
  codec: C,
  records: readonly unknown[],
  options: Parameters<typeof validate>[1] = {},
): Promise<string[]> {
  const result = await runToArray(pipe(fromGenerator(records), validate(codec, options)))
  return result.failures.map((failure) => failure.message)
}

describe('validate', () => {
  it('keeps the operator laws against decoding each record and keeping the successes', async () => {
    const Row = t.type({ n: NumberFromString, label: t.string })
    await expectOperatorLaws(validate(Row), {
      input: fc.record({
        n: fc.oneof(fc.integer().map(String), fc.string()),
        label: fc.oneof(fc.string(), fc.constant(undefined)),
      }) as fc.Arbitrary<unknown>,
      model: (records) =>
        records.flatMap((record) => {
          const decoded = Row.decode(record)
          return isRight(decoded) ? [decoded.right] : []
        }),
    })
  })

  it('emits the decoded values, not the input strings', async () => {
    const Row = t.type({ amount: NumberFromString, closedAt: DateFromString })
    const result = await runToArray(
      pipe(fromGenerator([{ amount: ' 12.5 ', closedAt: '2024-03-01T00:00:00Z' }]), validate(Row)),
    )
    expect(result.records).toEqual([{ amount: 12.5, closedAt: new Date('2024-03-01T00:00:00Z') }])
    expect(result.records[0]?.closedAt).toBeInstanceOf(Date)
  })

  it('names the field, the expectation and the value in a flat record', async () => {
    const result = await runToArray(
      pipe(fromGenerator([{ id: 'D1', amount: 'abc' }]), validate(Deal)),
    )
    expect(result.failures).toHaveLength(1)
    expect(result.failures[0]).toMatchObject({
      _tag: 'ValidationError',
      stage: 'validate',
      message: 'validate: amount: expected number, got "abc"',
      record: { id: 'D1', amount: 'abc' },
      location: { field: 'amount' },
      details: { errors: [{ path: 'amount', expected: 'number', actual: '"abc"' }] },
    })
    expect(result.report.failed).toBe(1)
  })

  it('gives one message for all the errors of a record, first failing path as the field', async () => {
    const messages = await messagesOf(Deal, [{ amount: 'abc' }])
    expect(messages).toEqual([
      'validate: id: expected string, got undefined; amount: expected number, got "abc"',
    ])
  })

  it('names nested paths with dots and array items by index', async () => {
    const Order = t.type({
      address: t.type({ zip: t.string }),
      items: t.array(t.type({ qty: t.number })),
    })
    const result = await runToArray(
      pipe(
        fromGenerator([{ address: { zip: 12345 }, items: [{ qty: 1 }, { qty: 2 }, { qty: 'x' }] }]),
        validate(Order),
      ),
    )
    expect(result.failures.map((failure) => failure.message)).toEqual([
      'validate: address.zip: expected string, got 12345; items.2.qty: expected number, got "x"',
    ])
    expect(result.failures[0]?.location).toEqual({ field: 'address.zip' })
  })

  it('names a union by its name, once, and leaves member indexes out of the path', async () => {
    const Contact = t.intersection([
      t.type({ email: t.string }),
      t.partial({ note: t.union([t.string, t.null]) }),
    ])
    const messages = await messagesOf(Contact, [{ email: 'a@b.co', note: 5 }])
    expect(messages).toEqual(['validate: note: expected (string | null), got 5'])
  })

  it('describes a record that is not an object at all without a path', async () => {
    const messages = await messagesOf(Deal, [null, 'text'])
    expect(messages).toEqual([
      'validate: expected { id: string, amount: number }, got null',
      'validate: expected { id: string, amount: number }, got "text"',
    ])
  })

  it('names the record by its idField', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([{ id: 'D2', amount: 'abc' }]),
        validate(Deal, { idField: 'id', name: 'Validate deals' }),
      ),
    )
    expect(result.failures[0]).toMatchObject({
      stage: 'Validate deals',
      message: 'Validate deals record D2: amount: expected number, got "abc"',
      location: { recordId: 'D2', field: 'amount' },
    })
  })

  it('cuts long values short in the message', async () => {
    const messages = await messagesOf(Deal, [{ id: 'D3', amount: 'x'.repeat(200) }])
    expect(messages).toEqual([`validate: amount: expected number, got "${'x'.repeat(58)}…`])
  })

  it("uses a codec's own message when it gives one", async () => {
    const Even = new t.Type<number, number, unknown>(
      'Even',
      (value): value is number => typeof value === 'number' && value % 2 === 0,
      (value, context) =>
        typeof value === 'number' && value % 2 === 0
          ? t.success(value)
          : t.failure(value, context, 'must be an even number'),
      (value) => value,
    )
    const messages = await messagesOf(t.type({ n: Even }), [{ n: 3 }])
    expect(messages).toEqual(['validate: n: must be an even number'])
  })

  it('turns a throwing codec into a TransformError for that record and goes on', async () => {
    const Fragile = new t.Type<number, number, unknown>(
      'Fragile',
      (value): value is number => typeof value === 'number',
      (value, context) => {
        if (value === 13) throw new Error('unlucky')
        return typeof value === 'number' ? t.success(value) : t.failure(value, context)
      },
      (value) => value,
    )
    const result = await runToArray(pipe(fromGenerator([1, 13, 2]), validate(Fragile)))
    expect(result.records).toEqual([1, 2])
    expect(result.failures[0]).toMatchObject({
      _tag: 'TransformError',
      message: 'validate: unlucky',
    })
  })

  it('accepts records from CSV and yields the codec decoded type', () => {
    const Row = t.type({ id: t.string, amount: NumberFromString })
    const rows: Flow<Record<string, string>> = fromGenerator<Record<string, string>>([])
    const validated = pipe(rows, validate(Row))
    expectTypeOf(validated).toEqualTypeOf<Flow<{ id: string; amount: number }>>()
    expectTypeOf(validate(NumberFromString)).parameter(0).toEqualTypeOf<Flow<unknown>>()
  })
})
