import { describe, expect, it } from 'vitest'
import { parseStoredValue } from '../../../src/internal/state/parseStoredValue.js'

describe('parseStoredValue', () => {
  it('gives back the value saved as JSON text', () => {
    expect(parseStoredValue('{"offset":42,"line":7}')).toEqual({ offset: 42, line: 7 })
    expect(parseStoredValue('null')).toBeNull()
  })

  it('says the value is corrupt, with the parser’s reason, when the text is not JSON', () => {
    expect(() => parseStoredValue('{"offset":')).toThrow(/^the value is corrupt \(not JSON: .+\)$/)
  })
})
