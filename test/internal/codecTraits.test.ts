import { describe, expect, it } from 'vitest'
import { NumberFromString } from '../../src/codecs/NumberFromString.js'
import { DateFromFormat } from '../../src/codecs/DateFromFormat.js'
import { MoneyFromString } from '../../src/codecs/MoneyFromString.js'
import { codecTraits } from '../../src/internal/codecTraits.js'

describe('codecTraits', () => {
  it('knows a DateFromFormat codec by the fields of its format', () => {
    expect(codecTraits.get(DateFromFormat('DD.MM.YYYY HH:mm'))).toEqual({
      kind: 'dateFormat',
      fields: ['day', 'month', 'year', 'hour', 'minute'],
    })
  })

  it('knows a MoneyFromString codec as money', () => {
    expect(codecTraits.get(MoneyFromString())).toEqual({ kind: 'money' })
  })

  it('knows nothing of codecs not made by a factory', () => {
    expect(codecTraits.get(NumberFromString)).toBeUndefined()
  })
})
