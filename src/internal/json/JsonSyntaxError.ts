/**
 * A syntax error in a JSON document, with its place in the input.
 *
 * @internal
 * @packageDocumentation
 */

/** @internal */
export class JsonSyntaxError extends Error {
  constructor(
    /** The cause in a few words, without the place. */
    readonly reason: string,
    /** Byte offset (0-based) of the problem in the input, as decoded text re-encoded. */
    readonly offset: number,
    /** 1-based line of the problem. */
    readonly line: number,
    /** `limit`: valid so far, but past a bound (size, nesting); `encoding`: undecodable bytes. */
    readonly kind: 'syntax' | 'limit' | 'encoding' = 'syntax',
  ) {
    super(
      `${kind === 'syntax' ? 'invalid JSON' : 'JSON'} at byte ${offset} (line ${line}): ${reason}`,
    )
    this.name = 'JsonSyntaxError'
  }
}

/** Counts line feeds in `text` between `from` and `to`. @internal */
export function countLines(text: string, from: number, to: number): number {
  let count = 0
  let index = text.indexOf('\n', from)
  while (index >= 0 && index < to) {
    count++
    index = text.indexOf('\n', index + 1)
  }
  return count
}
