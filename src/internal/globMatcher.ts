/**
 * File-name patterns for `watchFolder`: `*` (any run of characters), `?` (one character) and
 * `{csv,tsv}` (alternatives); everything else is literal. Patterns match whole names, never paths.
 *
 * @internal
 * @packageDocumentation
 */

/** A test for file names against `pattern`. @internal */
export function globMatcher(pattern: string): (name: string) => boolean {
  if (pattern.includes('/')) throw new TypeError(`pattern "${pattern}" must name files, not paths`)
  let source = ''
  let inGroup = false
  for (const character of pattern) {
    if (character === '*') source += '.*'
    else if (character === '?') source += '.'
    else if (character === '{' && !inGroup) {
      inGroup = true
      source += '(?:'
    } else if (character === '}' && inGroup) {
      inGroup = false
      source += ')'
    } else if (character === ',' && inGroup) source += '|'
    else source += character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  if (inGroup) throw new TypeError(`pattern "${pattern}" has a "{" without its "}"`)
  const regex = new RegExp(`^${source}$`, 'u')
  return (name) => regex.test(name)
}
