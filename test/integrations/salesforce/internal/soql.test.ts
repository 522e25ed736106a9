import { describe, expect, it } from 'vitest'
import { buildQuery, comparable } from '../../../../src/integrations/salesforce/internal/soql.js'

describe('buildQuery', () => {
  it('builds SOQL from the structured form, with the incremental condition and Id tie-breaker', () => {
    const built = buildQuery(
      { object: 'Account', fields: ['Name'], where: "Industry = 'Retail'", limit: 10 },
      { field: 'SystemModstamp', value: '2026-01-31T09:00:00.000+0000' },
      60_000,
      'stage',
    )
    expect(built.rest).toBe(
      "SELECT Name, SystemModstamp, Id FROM Account WHERE (Industry = 'Retail') AND SystemModstamp >= 2026-01-31T08:59:00.000Z ORDER BY SystemModstamp ASC, Id ASC LIMIT 10",
    )
    // Bulk chunks by Id: no ORDER BY.
    expect(built.bulk).toBe(
      "SELECT Name, SystemModstamp, Id FROM Account WHERE (Industry = 'Retail') AND SystemModstamp >= 2026-01-31T08:59:00.000Z LIMIT 10",
    )
  })

  it('takes dates, numbers and Date objects as the start', () => {
    const rest = (value: string | number | Date) =>
      buildQuery({ object: 'A', fields: ['Id'] }, { field: 'F', value }, 86_400_000, 's').rest
    expect(rest('2026-02-01')).toContain('F >= 2026-01-31 ')
    expect(rest(42)).toContain('F >= 42 ')
    expect(rest(new Date('2026-02-01T00:00:00Z'))).toContain('F >= 2026-01-31T00:00:00.000Z ')
    expect(() => rest('yesterday')).toThrow(
      /since.value "yesterday" is not a date-time, date or number/,
    )
  })

  it('keeps SOQL as given, and says which SOQL cannot run in bulk', () => {
    expect(buildQuery('SELECT Id FROM Account', undefined, 0, 's').bulkable).toBe(true)
    expect(buildQuery('SELECT COUNT() FROM Account', undefined, 0, 's').bulkable).toBe(false)
    expect(
      buildQuery('SELECT Id, (SELECT Id FROM Contacts) FROM Account', undefined, 0, 's').bulkable,
    ).toBe(false)
    expect(() => buildQuery({ object: 'Account', fields: [] }, undefined, 0, 's')).toThrow(
      /fields is empty/,
    )
    expect(() =>
      buildQuery({ object: 'Account', fields: ['Id'], limit: 0 }, undefined, 0, 's'),
    ).toThrow(/limit must be a positive integer/)
  })
})

describe('comparable', () => {
  it('orders Salesforce date-times, ISO date-times and numbers', () => {
    expect(comparable('2026-01-31T09:00:00.000+0000')).toBe(Date.parse('2026-01-31T09:00:00.000Z'))
    expect(comparable(7)).toBe(7)
    expect(comparable('12.5')).toBe(12.5)
    expect(comparable(null)).toBeUndefined()
    expect(comparable('not a value')).toBeUndefined()
  })
})
