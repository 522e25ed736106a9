import { describe, expect, it } from 'vitest'
import {
  INVALID_UTF8,
  limitPassed,
  rowProblem,
  unterminatedQuote,
  type FinishedRow,
} from '../../../src/internal/csv/rowProblems.js'

const row: FinishedRow = {
  fields: ['a', 'b'],
  line: 2,
  endLine: 2,
  raw: 'a,b',
  malformedLine: 0,
  invalid: false,
  oversizedField: 0,
  maxFieldBytes: 100,
  maxRowBytes: 100,
}

describe('rowProblem', () => {
  it('finds none in a good row', () => {
    expect(rowProblem(row)).toBeUndefined()
  })

  it('puts a malformed quote first, then undecodable bytes, then the field and row limits', () => {
    const all = { ...row, malformedLine: 2, endLine: 4, invalid: true, oversizedField: 1 }
    expect(rowProblem(all)?.reason).toMatch(
      /^malformed quoted field: .* from line 2 to line 4, 3 lines/,
    )
    expect(rowProblem({ ...all, malformedLine: 0 })?.reason).toBe(INVALID_UTF8)
    expect(rowProblem({ ...all, malformedLine: 0, invalid: false })?.reason).toBe(
      'field 1 is larger than maxFieldBytes (100 bytes)',
    )
    expect(rowProblem({ ...row, raw: 'é'.repeat(60) })?.reason).toBe(
      'row larger than maxRowBytes (100 bytes)',
    )
  })

  it('shows at most 1,000 characters of the row', () => {
    expect(rowProblem({ ...row, invalid: true, raw: 'x'.repeat(2_000) })?.raw).toBe(
      `${'x'.repeat(1_000)}…`,
    )
  })
})

describe('unterminatedQuote and limitPassed', () => {
  it('say where the problem opened and where reading resumes', () => {
    expect(unterminatedQuote(3, '"a', ['a'])).toEqual({
      reason: 'unterminated quoted field (it swallows the rest of the input)',
      line: 3,
      raw: '"a',
      fields: ['a'],
    })
    expect(limitPassed('row', 10, 3, 'abc').reason).toBe(
      'row larger than maxRowBytes (10 bytes), perhaps an unterminated quote; reading resumes at line 4',
    )
  })
})
