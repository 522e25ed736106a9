/**
 * Guesses a CSV delimiter from the first rows: the candidate that splits them into the most
 * fields, as evenly as possible (at least two fields a row on average).
 *
 * @internal
 * @packageDocumentation
 */

/** What the guess needs of a row parser. @internal */
export interface SampleParser {
  push(text: string): { readonly entries: ReadonlyArray<readonly string[] | object> }
  end(): { readonly entries: ReadonlyArray<readonly string[] | object> }
}

const CANDIDATES = [',', ';', '\t', '|']
/** Rows looked at per candidate. */
const PREVIEW_ROWS = 50

/**
 * The delimiter of `sample` (`,` when no candidate fits). `final`: the sample is the whole input,
 * so its last row counts too.
 *
 * @internal
 */
export function guessDelimiter(
  sample: string,
  final: boolean,
  parserFor: (delimiter: string) => SampleParser,
): string {
  let best = ','
  let bestDelta = Infinity
  let bestAverage = 0
  for (const delimiter of CANDIDATES) {
    const parser = parserFor(delimiter)
    const entries = [...parser.push(sample).entries]
    if (final) entries.push(...parser.end().entries)
    let delta = 0
    let total = 0
    let rows = 0
    let previous: number | undefined
    for (const entry of entries.slice(0, PREVIEW_ROWS)) {
      if (!Array.isArray(entry) || entry.length === 0) continue
      const count = entry.length
      total += count
      rows++
      if (previous !== undefined) delta += Math.abs(count - previous)
      previous = count
    }
    const average = rows === 0 ? 0 : total / rows
    if (average > 1.99 && delta <= bestDelta && average > bestAverage) {
      best = delimiter
      bestDelta = delta
      bestAverage = average
    }
  }
  return best
}
