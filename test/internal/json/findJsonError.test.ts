import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findJsonError } from '../../../src/internal/json/findJsonError.js'

const parses = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe('findJsonError', () => {
  it('finds nothing in any valid JSON text, compact or pretty, with surrounding space', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = ` \n${JSON.stringify(value, null, pretty ? 2 : undefined)}\t\r\n`
        expect(findJsonError(text)).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })

  it('agrees with JSON.parse on any text of JSON characters', () => {
    const unit = fc.constantFrom(
      ...'{}[]:,"\\ \n\t-+.0123456789eEtrufalsn/bu'.split(''),
      'true',
      'null',
      '"a"',
      '\u0001',
      'é',
    )
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 16 }), (text) => {
        const problem = findJsonError(text)
        expect(problem === undefined).toBe(parses(text))
        if (problem !== undefined) {
          expect(problem.index).toBeGreaterThanOrEqual(0)
          expect(problem.index).toBeLessThanOrEqual(text.length)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('says where and why, in plain words', () => {
    expect(findJsonError('{"a":1,}')).toEqual({
      index: 7,
      reason: "unexpected '}': expected a property name in double quotes",
    })
    expect(findJsonError('[1 2]')).toEqual({
      index: 3,
      reason: "unexpected '2': expected ',' or ']'",
    })
    expect(findJsonError('{"a" 1}')).toEqual({
      index: 5,
      reason: "unexpected '1': expected ':' after a property name",
    })
    expect(findJsonError('{"a":1')).toEqual({
      index: 6,
      reason: "unexpected end of input: expected ',' or '}'",
    })
    expect(findJsonError('')).toEqual({
      index: 0,
      reason: 'unexpected end of input: expected a value',
    })
    expect(findJsonError('1 2')).toEqual({
      index: 2,
      reason: "unexpected '2': expected the end of the input",
    })
    expect(findJsonError('tru')).toEqual({ index: 0, reason: "unexpected 't': expected a value" })
  })

  it('places problems inside strings and numbers at the offending character', () => {
    expect(findJsonError('"ab\ncd"')).toEqual({
      index: 3,
      reason: 'unescaped control character U+000A inside a string',
    })
    expect(findJsonError('"a\\x"')).toEqual({
      index: 3,
      reason: "unexpected 'x': expected an escape character (one of \" \\ / b f n r t u)",
    })
    expect(findJsonError('"\\u12G4"')).toEqual({
      index: 3,
      reason: 'invalid \\u escape: expected four hexadecimal digits',
    })
    expect(findJsonError('"abc')).toEqual({ index: 4, reason: 'unterminated string' })
    expect(findJsonError('-')).toEqual({
      index: 1,
      reason: 'unexpected end of input: expected a digit',
    })
    expect(findJsonError('1.')).toEqual({
      index: 2,
      reason: 'unexpected end of input: expected a digit after the decimal point',
    })
    expect(findJsonError('1e+x')).toEqual({
      index: 3,
      reason: "unexpected 'x': expected a digit in the exponent",
    })
    expect(findJsonError('[01]')).toEqual({
      index: 2,
      reason: "unexpected '1': expected ',' or ']'",
    })
  })

  it('names a character beyond the BMP whole, and control characters by code point', () => {
    expect(findJsonError('[😀]')?.reason).toBe("unexpected '😀': expected a value")
    expect(findJsonError('[\u0000]')?.reason).toBe(
      'unexpected control character U+0000: expected a value',
    )
  })

  it('reads nesting far deeper than the call stack allows', () => {
    const depth = 200_000
    expect(findJsonError(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBeUndefined()
    expect(findJsonError(`${'['.repeat(depth)}${']'.repeat(depth - 1)}`)).toEqual({
      index: 2 * depth - 1,
      reason: "unexpected end of input: expected ',' or ']'",
    })
  })

  it('looks only between from and to', () => {
    const text = 'xx[1, {"a": true}]yy'
    expect(findJsonError(text, 2, 18)).toBeUndefined()
    expect(findJsonError(text, 2, 17)).toEqual({
      index: 17,
      reason: "unexpected end of input: expected ',' or ']'",
    })
    expect(findJsonError('"abc"', 0, 3)).toEqual({ index: 3, reason: 'unterminated string' })
    expect(findJsonError('123', 0, 2)).toBeUndefined()
    // A literal cut by `to` is not whole.
    expect(findJsonError('[true]', 0, 3)).toMatchObject({ index: 1 })
    expect(findJsonError('null', 0, 2)).toMatchObject({ index: 0 })
  })

  it('finds the same problem in a range as in the same text alone', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(...'[]{}":,1a tn'.split(''), 'true', 'null'),
          maxLength: 12,
        }),
        fc.string({ maxLength: 3 }),
        fc.string({ maxLength: 3 }),
        (text, before, after) => {
          const alone = findJsonError(text)
          const inRange = findJsonError(
            before + text + after,
            before.length,
            before.length + text.length,
          )
          expect(inRange).toEqual(
            alone === undefined ? undefined : { ...alone, index: alone.index + before.length },
          )
        },
      ),
      { numRuns: 1000 },
    )
  })
})
