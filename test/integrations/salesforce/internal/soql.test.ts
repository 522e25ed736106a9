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

describe('buildQuery with a window', () => {
  const window = {
    field: 'CreatedDate',
    from: '2026-01-01T00:00:00Z',
    to: new Date('2026-02-01T00:00:00Z'),
  }

  it('adds field >= from AND field < to to the structured form, ordered by the field then Id', () => {
    const built = buildQuery(
      { object: 'Account', fields: ['Name'], where: "Industry = 'Retail'" },
      undefined,
      0,
      's',
      window,
    )
    expect(built.rest).toBe(
      "SELECT Name FROM Account WHERE (Industry = 'Retail') AND CreatedDate >= 2026-01-01T00:00:00.000Z AND CreatedDate < 2026-02-01T00:00:00.000Z ORDER BY CreatedDate ASC, Id ASC",
    )
    expect(built.bulk).toBe(
      "SELECT Name FROM Account WHERE (Industry = 'Retail') AND CreatedDate >= 2026-01-01T00:00:00.000Z AND CreatedDate < 2026-02-01T00:00:00.000Z",
    )
  })

  it('keeps dates as dates, for a date field', () => {
    const built = buildQuery({ object: 'Opportunity', fields: ['Id'] }, undefined, 0, 's', {
      field: 'CloseDate',
      from: '2026-01-01',
      to: '2026-01-17',
    })
    expect(built.rest).toContain('WHERE CloseDate >= 2026-01-01 AND CloseDate < 2026-01-17 ORDER')
  })

  it('joins the WHERE of SOQL text, keeping its ORDER BY', () => {
    const built = buildQuery(
      'SELECT Id FROM Account WHERE IsDeleted = false ORDER BY Name',
      undefined,
      0,
      's',
      window,
    )
    expect(built.rest).toBe(
      'SELECT Id FROM Account WHERE (IsDeleted = false) AND CreatedDate >= 2026-01-01T00:00:00.000Z AND CreatedDate < 2026-02-01T00:00:00.000Z ORDER BY Name',
    )
    expect(built.bulkable).toBe(true)
  })

  it('refuses a limit, a bad field and a bound that is no date', () => {
    expect(() =>
      buildQuery({ object: 'A', fields: ['Id'], limit: 5 }, undefined, 0, 's', window),
    ).toThrow('s: a range cannot be read with limit')
    expect(() =>
      buildQuery({ object: 'A', fields: ['Id'] }, undefined, 0, 's', { ...window, field: 'x; y' }),
    ).toThrow('range.field "x; y" is not a Salesforce API name')
    expect(() =>
      buildQuery({ object: 'A', fields: ['Id'] }, undefined, 0, 's', { ...window, to: 'soon' }),
    ).toThrow('range.to "soon" is not a date-time')
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
