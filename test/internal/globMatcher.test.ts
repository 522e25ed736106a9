import { describe, expect, it } from 'vitest'
import { globMatcher } from '../../src/internal/globMatcher.js'

describe('globMatcher', () => {
  it('matches *, ? and {a,b} against whole names, everything else literally', () => {
    const names = [
      'deals.csv',
      'deals.tsv',
      'deals.csv.part',
      'a.csv',
      'ab.csv',
      'x+y.csv',
      'dealsXcsv',
    ]
    expect(names.filter(globMatcher('*.csv'))).toEqual(['deals.csv', 'a.csv', 'ab.csv', 'x+y.csv'])
    expect(names.filter(globMatcher('?.csv'))).toEqual(['a.csv'])
    expect(names.filter(globMatcher('deals.{csv,tsv}'))).toEqual(['deals.csv', 'deals.tsv'])
    expect(names.filter(globMatcher('x+y.csv'))).toEqual(['x+y.csv'])
    expect(names.filter(globMatcher('*'))).toEqual(names)
  })
})
