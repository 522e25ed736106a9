import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { jsonSafe } from '../../src/internal/jsonSafe.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { deadLetter, type DeadLetterRecord } from '../../src/policies/deadLetter.js'
import { toArray } from '../../src/sinks/toArray.js'
import { expectBalanced } from '../support/ledger.js'

/** `{ a: { a: … { a: 1 } } }`, `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = 1
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? { a: value } : [value]
  return value
}

function depthOf(value: unknown): number {
  let depth = 0
  let current = value
  while (typeof current === 'object' && current !== null) {
    depth += 1
    current = Array.isArray(current) ? current[0] : (current as { a: unknown }).a
  }
  return depth
}

describe('jsonSafe', () => {
  it('returns the value itself when JSON can hold it', () => {
    const value = { a: [1, 'two', null], b: { c: true } }
    expect(jsonSafe(value)).toBe(value)
  })

  it('turns BigInts into strings and cycles into [Circular]', () => {
    const cyclic: Record<string, unknown> = { n: 10n }
    cyclic['self'] = cyclic
    expect(jsonSafe(cyclic)).toEqual({ n: '10', self: '[Circular]' })
    const shared = { x: 1 }
    expect(jsonSafe({ one: shared, two: shared, big: 1n })).toEqual({
      one: { x: 1 },
      two: { x: 1 },
      big: '1',
    })
  })

  it('cuts a value nested 5,000 deep without overflowing the stack, saying where', () => {
    const safe = jsonSafe(nested(5_000))
    expect(() => JSON.stringify(safe)).not.toThrow()
    expect(depthOf(safe)).toBeLessThanOrEqual(256)
    expect(JSON.stringify(safe)).toContain('[cut: nested deeper than 256 levels]')
    const withBigInt = jsonSafe({ big: 1n, deep: nested(5_000) }) as { big: string }
    expect(withBigInt.big).toBe('1')
  })

  it('keeps a __proto__ key as data, not as a prototype', () => {
    const record = JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') as object
    const safe = jsonSafe({ record, big: 1n }) as { record: object }
    expect(Object.getPrototypeOf(safe.record)).toBe(Object.prototype)
    expect(JSON.stringify(safe.record)).toBe('{"__proto__":{"polluted":true},"n":1}')
  })

  it('lets a run with a deeply nested bad record under deadLetter settle, with the letter written', async () => {
    const letters = toArray<DeadLetterRecord>()
    const report = await pipe(
      fromGenerator([{ id: 1, deep: nested(5_000) }, { id: 2 }]),
      map((record: { id: number }) => {
        if (record.id === 1) throw new Error('bad record')
        return record.id
      }),
      deadLetter(letters),
      toArray(),
    )
    expect(report.records).toEqual([2])
    expect(report.failed).toBe(1)
    const dead = report.deadLetter as unknown as { records: DeadLetterRecord[]; written: number }
    expect(dead.written).toBe(1)
    expect(JSON.stringify(dead.records[0]?.record)).toContain('[cut: nested deeper than')
    expectBalanced(report)
  })
})
