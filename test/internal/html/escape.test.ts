import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { escapeHtml, formatDuration, formatNumber } from '../../../src/internal/html/escape.js'

describe('escapeHtml', () => {
  it('leaves no character that HTML reads as markup, and unescapes back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeHtml(text)
        expect(escaped).not.toMatch(/[<>"']/)
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/)
        const back = escaped
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&#39;', "'")
          .replaceAll('&amp;', '&')
        expect(back).toBe(text)
      }),
    )
  })

  it('escapes each of & < > " and \'', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
  })
})

describe('formatNumber', () => {
  it('groups digits and keeps at most the given decimals', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89')
    expect(formatNumber(1234567.891, 0)).toBe('1,234,568')
    expect(formatNumber(0.5)).toBe('0.5')
    expect(formatNumber(-42)).toBe('-42')
  })

  it('prints what is not finite as String does', () => {
    expect(formatNumber(Number.NaN)).toBe('NaN')
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity')
  })
})

describe('formatDuration', () => {
  it('reads as ms under a second, s with one decimal under a minute, then min and s', () => {
    expect(formatDuration(0)).toBe('0 ms')
    expect(formatDuration(849.6)).toBe('850 ms')
    expect(formatDuration(12_400)).toBe('12.4 s')
    expect(formatDuration(59_949)).toBe('59.9 s')
    expect(formatDuration(185_000)).toBe('3 min 5 s')
    expect(formatDuration(60_000)).toBe('1 min 0 s')
  })
})
