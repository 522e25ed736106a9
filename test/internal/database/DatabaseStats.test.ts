import { describe, expect, it } from 'vitest'
import { DatabaseStats } from '../../../src/internal/database/DatabaseStats.js'

describe('DatabaseStats', () => {
  it('reports what it counted, times rounded to whole milliseconds', () => {
    const stats = new DatabaseStats('deals', 'upsert')
    stats.rowsCopied = 10
    stats.transactions = 2
    stats.inserted = 7
    stats.updated = 3
    stats.retries = 1
    stats.copyMs = 12.6
    stats.mergeMs = 3.4
    stats.columnsAdded.push({ name: 'note', type: 'text', nullable: true })
    expect(stats.toReport()).toEqual({
      table: 'deals',
      mode: 'upsert',
      rowsCopied: 10,
      transactions: 2,
      inserted: 7,
      updated: 3,
      retries: 1,
      copyMs: 13,
      mergeMs: 3,
      columnsAdded: [{ name: 'note', type: 'text', nullable: true }],
    })
  })

  it('reports the table it created, and leaves created out when it created none', () => {
    const stats = new DatabaseStats('t', 'append')
    expect('created' in stats.toReport()).toBe(false)
    stats.created = { table: 't', columns: [{ name: 'id', type: 'bigint', nullable: false }] }
    expect(stats.toReport().created).toEqual({
      table: 't',
      columns: [{ name: 'id', type: 'bigint', nullable: false }],
    })
  })

  it('publishes a live database section: the section reads the figures when asked', () => {
    const stats = new DatabaseStats('t', 'replace')
    const sections: Record<string, unknown> = {}
    stats.attach(sections)
    stats.inserted = 4
    expect((sections['database'] as { inserted: number }).inserted).toBe(4)
    stats.inserted = 5
    expect((sections['database'] as { inserted: number }).inserted).toBe(5)
    expect(Object.keys(sections)).toEqual(['database'])
  })

  it('hands out a copy of the added columns, which later additions do not change', () => {
    const stats = new DatabaseStats('t', 'append')
    const first = stats.toReport()
    stats.columnsAdded.push({ name: 'x', type: 'text', nullable: true })
    expect(first.columnsAdded).toEqual([])
  })
})
