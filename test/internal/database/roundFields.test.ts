import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { keyParts, roundFields } from '../../../src/internal/database/roundFields.js'

const COLUMNS = new Map([
  ['id', false],
  ['name', false],
  ['tags', true],
])

describe('roundFields', () => {
  it('names the fields that are not columns, record by record, and the fields of the others', () => {
    const rows = [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c', extra: true },
      { id: 4, name: 'd', extra: false },
      { id: 5, tags: ['x'] },
      { name: 'f', id: 6 },
    ]
    const { unknown, names } = roundFields(rows, COLUMNS, false)
    expect([...unknown]).toEqual([
      [2, ['extra']],
      [3, ['extra']],
    ])
    expect([...names].sort()).toEqual(['id', 'name', 'tags'])
  })

  it('counts the fields of records with unknown fields too when those are kept', () => {
    const rows = [{ id: 1 }, { id: 2, extra: 'x' }]
    expect([...roundFields(rows, COLUMNS, true).names].sort()).toEqual(['extra', 'id'])
    expect([...roundFields(rows, COLUMNS, false).names]).toEqual(['id'])
  })

  it('agrees with looking at every field of every record', () => {
    const name = fc.constantFrom('id', 'name', 'tags', 'extra', 'other')
    const row = fc.dictionary(name, fc.integer(), { maxKeys: 5 })
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.boolean(), (rows, keep) => {
        const { unknown, names } = roundFields(rows, COLUMNS, keep)
        const expectedNames = new Set<string>()
        rows.forEach((record, index) => {
          const extra = Object.keys(record).filter((field) => !COLUMNS.has(field))
          expect(unknown.get(index)).toEqual(extra.length > 0 ? extra : undefined)
          if (extra.length === 0 || keep) for (const field in record) expectedNames.add(field)
        })
        expect([...names].sort()).toEqual([...expectedNames].sort())
      }),
    )
  })
})

describe('keyParts', () => {
  it('starts a new part where a key comes again, keeping the order', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'a' }, { id: 'c' }, { id: 'b' }]
    expect(keyParts(rows, [0, 1, 2, 3, 4], ['id'])).toEqual([
      [0, 1],
      [2, 3, 4],
    ])
    expect(keyParts(rows, [1, 2, 3], ['id'])).toEqual([[1, 2, 3]])
  })

  it('tells keys apart as JSON does: a Date and its ISO string alike, a string and a number not', () => {
    const when = new Date('2026-01-01T00:00:00.000Z')
    const rows = [{ id: when }, { id: when.toISOString() }, { id: '1' }, { id: 1 }, { id: 1n }]
    expect(keyParts(rows, [0, 1], ['id'])).toEqual([[0], [1]])
    expect(keyParts(rows, [2, 3], ['id'])).toEqual([[2, 3]])
    expect(keyParts(rows, [3, 4], ['id'])).toEqual([[3], [4]])
  })

  it('compares keys of several columns as a whole, missing columns as null', () => {
    const rows = [
      { region: 'eu', id: 1 },
      { region: 'us', id: 1 },
      { region: 'eu', id: 1, other: true },
      { id: 2 },
      { id: 2, region: null },
    ]
    expect(keyParts(rows, [0, 1, 2, 3, 4], ['region', 'id'])).toEqual([[0, 1], [2, 3], [4]])
  })
})
