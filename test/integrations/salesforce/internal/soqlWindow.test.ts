import { describe, expect, it } from 'vitest'
import { withCondition } from '../../../../src/integrations/salesforce/internal/soqlWindow.js'

const WINDOW = 'CreatedDate >= 2026-01-01T00:00:00.000Z AND CreatedDate < 2026-02-01T00:00:00.000Z'

describe('withCondition', () => {
  it('adds a WHERE when the query has none, before the clauses that follow one', () => {
    expect(withCondition('SELECT Id FROM Account', WINDOW, 's')).toBe(
      `SELECT Id FROM Account WHERE ${WINDOW}`,
    )
    expect(withCondition('SELECT Id FROM Account ORDER BY Name', WINDOW, 's')).toBe(
      `SELECT Id FROM Account WHERE ${WINDOW} ORDER BY Name`,
    )
    expect(
      withCondition('SELECT Id FROM Account USING SCOPE mine WITH SECURITY_ENFORCED', WINDOW, 's'),
    ).toBe(`SELECT Id FROM Account USING SCOPE mine WHERE ${WINDOW} WITH SECURITY_ENFORCED`)
  })

  it("joins the query's own WHERE in parentheses, so its OR cannot swallow the window", () => {
    expect(
      withCondition(
        "SELECT Id FROM Account WHERE Industry = 'Retail' OR Industry = 'Energy' ORDER BY Name DESC",
        WINDOW,
        's',
      ),
    ).toBe(
      `SELECT Id FROM Account WHERE (Industry = 'Retail' OR Industry = 'Energy') AND ${WINDOW} ORDER BY Name DESC`,
    )
  })

  it('looks only at the top level: subqueries and string literals are skipped', () => {
    const soql =
      "select Id, (SELECT Id FROM Contacts WHERE Email != null ORDER BY Name LIMIT 5) from Account where Name = 'x ORDER BY y \\' LIMIT 3'"
    expect(withCondition(soql, WINDOW, 's')).toBe(
      `select Id, (SELECT Id FROM Contacts WHERE Email != null ORDER BY Name LIMIT 5) from Account WHERE (Name = 'x ORDER BY y \\' LIMIT 3') AND ${WINDOW}`,
    )
    expect(withCondition('SELECT Id, Order__c, With_Date__c FROM Fortune__c', WINDOW, 's')).toBe(
      `SELECT Id, Order__c, With_Date__c FROM Fortune__c WHERE ${WINDOW}`,
    )
  })

  it('refuses LIMIT, OFFSET, GROUP BY and aggregates, which a part of the records would not answer alike', () => {
    for (const soql of [
      'SELECT Id FROM Account LIMIT 10',
      'SELECT Id FROM Account ORDER BY Id OFFSET 10',
      'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry',
      'SELECT COUNT() FROM Account',
    ])
      expect(() => withCondition(soql, WINDOW, 'stage')).toThrow(/^stage: a range cannot be read/)
    expect(() => withCondition('SELECT Id', WINDOW, 'stage')).toThrow('has no FROM')
    expect(withCondition("SELECT Id FROM Case WHERE Subject = 'count(x)'", WINDOW, 's')).toBe(
      `SELECT Id FROM Case WHERE (Subject = 'count(x)') AND ${WINDOW}`,
    )
  })
})
