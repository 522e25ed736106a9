/**
 * Finding and counting line breaks in CSV text, where `\n`, `\r\n` and a lone `\r` each end a line.
 *
 * @internal
 * @packageDocumentation
 */

/** Counts `char` in `text` between `from` and `to`. @internal */
export function countChar(text: string, char: string, from = 0, to = text.length): number {
  let count = 0
  let index = text.indexOf(char, from)
  while (index !== -1 && index < to) {
    count++
    index = text.indexOf(char, index + 1)
  }
  return count
}

/** The first `\n` or `\r` in `text` at or after `from`, or -1. @internal */
export function nextBreak(text: string, from: number): number {
  const lf = text.indexOf('\n', from)
  const cr = text.indexOf('\r', from)
  return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
}
