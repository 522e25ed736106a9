/**
 * The pull-based byte source under every text input: the reader decides when to read, so a run
 * without budget leaves its file paused.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * A pull-based source of chunks: bytes, or strings from a stream that gives text. `read` resolves
 * `undefined` at the end (and once the signal it was opened with aborted).
 *
 * @internal
 */
export interface ByteSource {
  read(): Promise<Buffer | string | undefined>
  /** Releases the file handle or stream; safe to call more than once, and during a read. */
  close(): Promise<void>
}

/** A byte range of a file: from `start` up to (not including) `end`. @internal */
export interface ByteSpan {
  readonly start: number
  readonly end: number
}

/**
 * Bytes asked for per file read, and characters per slice of in-memory text: small chunks parse
 * fastest and pin the least memory.
 *
 * @internal
 */
export const INPUT_CHUNK_BYTES = 64 * 1024

/** A source that gives `first` (unless empty) before the rest of `rest`. @internal */
export function prepend(first: Buffer | string, rest: ByteSource): ByteSource {
  let pending: Buffer | string | undefined = first.length > 0 ? first : undefined
  return {
    read() {
      const chunk = pending
      pending = undefined
      return chunk !== undefined ? Promise.resolve(chunk) : rest.read()
    },
    close: () => rest.close(),
  }
}
