import type { Arbitrary } from 'fast-check'
import { fc } from './fastCheck.js'

/**
 * Options of {@link csvHostileString}.
 *
 * @category testing
 * @since 0.1.0
 */
export interface CsvHostileStringOptions {
  /** Most pieces (hostile characters or ordinary runs of text) in one string (default 12). */
  readonly maxPieces?: number
}

/** Characters and sequences that break naive CSV (and spreadsheet) handling. */
const HOSTILE = [
  ',',
  ';',
  '\t',
  '"',
  '""',
  "'",
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\\',
  '\uFEFF',
  '\u2028',
  'é',
  'e\u0301',
  '中文',
  '😀',
  '𝔘',
  '👩‍👩‍👧',
]

/** Characters that make a spreadsheet read a cell as a formula when they lead it. */
const FORMULA_LEADS = ['=', '+', '-', '@']

/**
 * A fast-check arbitrary of strings that break naive CSV writers and readers: commas and
 * semicolons, double and single quotes (also doubled), CR, LF and CRLF, tabs, leading and
 * trailing spaces, a leading `=`, `+`, `-` or `@` (spreadsheet formula injection), a byte-order
 * mark, the Unicode line separator, accents (precomposed and combining), CJK, astral characters
 * (emoji, mathematical letters, joined emoji), and the empty string — mixed with ordinary text.
 *
 * Every string is well-formed UTF-16 (no lone surrogates), so a UTF-8 file round-trip gives it back
 * exactly: use it for round-trip laws such as "`toCsv` then `fromCsv` gives the records back".
 *
 * @example
 * ```ts
 * import fc from 'fast-check'
 * import { csvHostileString } from 'powerflow-etl/testing'
 *
 * const samples = fc.sample(csvHostileString(), { numRuns: 200, seed: 7 })
 * console.assert(samples.some((s) => s.includes('"') && s.includes('\n')))
 * console.assert(samples.some((s) => /^[=+\-@]/.test(s)))
 * ```
 *
 * @param options - how long the strings get
 * @returns an arbitrary of hostile strings
 * @category testing
 * @since 0.1.0
 */
export function csvHostileString(options: CsvHostileStringOptions = {}): Arbitrary<string> {
  const maxPieces = options.maxPieces ?? 12
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  )
  const body = fc.array(piece, { maxLength: maxPieces }).map((pieces) => pieces.join(''))
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 6, arbitrary: body },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...FORMULA_LEADS), body)
        .map(([lead, rest]) => `${lead}${rest}`),
    },
    { weight: 1, arbitrary: body.map((rest) => `\uFEFF${rest}`) },
  )
}
