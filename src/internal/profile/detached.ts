/**
 * A copy of `text` that shares no memory with it. Parsers hand out slices of their input chunks
 * (V8 keeps a slice's whole parent alive), so a value a sketch keeps for long is copied first.
 *
 * @internal
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1)
}
