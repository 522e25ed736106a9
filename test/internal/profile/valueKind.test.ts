import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  KINDS,
  readNumber,
  scanNonNumericText,
  scanText,
  textKind,
  valueKind,
} from '../../../src/internal/profile/valueKind.js'

/** The rules as regular expressions: the reference the hand-written scan must agree with. */
function referenceKind(text: string): string {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    return /^[+-]?\d+$/.test(text) ? 'integer' : 'number'
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return 'date'
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text))
    return 'datetime'
  if (/^(true|false)$/i.test(text)) return 'boolean'
  if (/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text)) return 'email'
  return 'string'
}

const slot = () => ({ value: 0, digits: 0, shape: -1 })

/** Text made of the characters the shapes are about, so every branch is reached. */
const shapedText = fc
  .array(
    fc.constantFrom(
      ...'0123456789+-.eE@ T:Zaz\u00a0\u2003'.split(''),
      '2026-03-01',
      'T10:00',
      'true',
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(''))

describe('valueKind', () => {
  it.each([
    ['42', 'integer'],
    ['-7', 'integer'],
    ['+3', 'integer'],
    ['0012', 'integer'],
    ['3.14', 'number'],
    ['.5', 'number'],
    ['1e5', 'number'],
    ['-2.5E-3', 'number'],
    ['true', 'boolean'],
    ['FALSE', 'boolean'],
    ['2026-03-01', 'date'],
    ['2026-03-01T10:00:00Z', 'datetime'],
    ['2026-03-01 10:00', 'datetime'],
    ['2026-03-01T10:00:00.123+02:00', 'datetime'],
    ['ada@example.com', 'email'],
    ['1ada@example.com', 'email'],
    ['12,5OO', 'string'],
    ['1.2.3', 'string'],
    ['-', 'string'],
    ['.', 'string'],
    ['e5', 'string'],
    ['1e', 'string'],
    ['2026-13', 'string'],
    ['not@an', 'string'],
    ['Acme, Inc.', 'string'],
  ])('reads %j as %s', (text, kind) => {
    expect(textKind(text)).toBe(kind)
  })

  it('agrees with the regular-expression rules on arbitrary shaped text', () => {
    fc.assert(
      fc.property(shapedText, (text) => {
        expect(textKind(text)).toBe(referenceKind(text))
      }),
      { numRuns: 3000 },
    )
  })

  it('tells numbers from other text, and types the other text without reading a number', () => {
    fc.assert(
      fc.property(shapedText, (text) => {
        const numeric = readNumber(text, slot()) >= 0
        expect(numeric).toBe(['integer', 'number'].includes(referenceKind(text)))
        if (!numeric) expect(KINDS[scanNonNumericText(text)]).toBe(referenceKind(text))
      }),
      { numRuns: 3000 },
    )
  })

  it('reads numbers as Number does, digit by digit or not', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
          fc.integer().map(String),
          fc
            .tuple(
              fc.constantFrom('', '+', '-'),
              fc.stringMatching(/^\d{0,18}$/),
              fc.stringMatching(/^(\.\d{0,18})?$/),
            )
            .map((parts) => parts.join('')),
        ),
        (text) => {
          const read = slot()
          const code = scanText(text, read)
          if (KINDS[code] === 'integer' || KINDS[code] === 'number')
            expect(Object.is(read.value, Number(text))).toBe(true)
          const numeric = slot()
          expect(readNumber(text, numeric) >= 0).toBe(code <= 1)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('types values that are not text by their own type', () => {
    expect(valueKind(3)).toBe('integer')
    expect(valueKind(3.5)).toBe('number')
    expect(valueKind(10n)).toBe('integer')
    expect(valueKind(false)).toBe('boolean')
    expect(valueKind(new Date(0))).toBe('datetime')
    expect(valueKind({ a: 1 })).toBe('object')
    expect(valueKind([1])).toBe('object')
  })
})
