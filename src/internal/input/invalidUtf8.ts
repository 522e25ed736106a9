/**
 * The reason given for text holding bytes that are not UTF-8, the same for every text source.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * `encodings`: how the source's `encoding` option names a Latin-1 export (`'latin1'`, or for
 * WHATWG labels `'windows-1252' or 'latin1'`).
 *
 * @internal
 */
export function invalidUtf8Reason(encodings: string): string {
  return `invalid UTF-8 byte sequence: if the input is not UTF-8, pass its encoding (such as encoding: ${encodings}), or strictEncoding: false to read such bytes as U+FFFD`
}
