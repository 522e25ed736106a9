import { describe, expect, it } from 'vitest'
import { BookmarkKeeper, incrementalQuery } from '../../../src/internal/database/incremental.js'

const postgres = {
  quote: (name: string) => `"${name}"`,
  placeholder: (position: number) => `$${position}`,
}

describe('incrementalQuery', () => {
  it('filters after the value with the next placeholder and orders by the column and tie-breakers', () => {
    expect(
      incrementalQuery(
        'SELECT * FROM deals WHERE region = $1;',
        ['EMEA'],
        {
          column: 'updated_at',
          value: '2026-01-01',
          tieBreaker: ['id', 'version'],
        },
        postgres,
      ),
    ).toEqual({
      sql: 'SELECT * FROM (SELECT * FROM deals WHERE region = $1) AS powerflow_since WHERE "updated_at" > $2 ORDER BY "updated_at", "id", "version"',
      params: ['EMEA', '2026-01-01'],
    })
  })

  it('only orders when there is no value yet, and uses >= when inclusive', () => {
    expect(incrementalQuery('SELECT 1', [], { column: 'v' }, postgres).sql).toBe(
      'SELECT * FROM (SELECT 1) AS powerflow_since ORDER BY "v"',
    )
    expect(
      incrementalQuery('SELECT 1', [], { column: 'v', value: 3, inclusive: true }, postgres).sql,
    ).toContain('"v" >= $1')
  })
})

describe('BookmarkKeeper', () => {
  it("keeps the last row's value, the given one until a row is read, and names a missing column", () => {
    const sections: Record<string, unknown> = {}
    const keeper = new BookmarkKeeper(sections, { column: 'v', value: 1 })
    expect(sections['bookmark']).toEqual({ field: 'v', value: 1 })
    keeper.read([{ v: 2 }, { v: 3 }])
    expect(sections['bookmark']).toEqual({ field: 'v', value: 3 })
    expect(() => keeper.read([{ w: 1 }])).toThrow(/no column v/)
  })
})
