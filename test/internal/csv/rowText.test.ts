import { describe, expect, it } from 'vitest'
import { rowText } from '../../../src/internal/csv/rowText.js'

describe('rowText', () => {
  it('quotes only the fields that need it, doubling their quotes', () => {
    expect(rowText(['a', 'b,c', 'say "hi"', 'x\ny', ''], ',', '"')).toBe(
      'a,"b,c","say ""hi""","x\ny",',
    )
    expect(rowText(['a;b', 'c'], ';', "'")).toBe("'a;b';c")
  })
})
