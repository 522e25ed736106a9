/**
 * The byte offset of a record boundary in a text file being decoded and parsed chunk by chunk,
 * for checkpoints: the bytes of text handed to the parser, minus the bytes of the text it has not
 * yet made into records (the row in progress). Exact for UTF-8; once undecodable bytes were read
 * (each became one U+FFFD of another length), no offset is given any more.
 *
 * @internal
 * @packageDocumentation
 */
import { checkpointsOf } from './Checkpointer.js'
import type { RunContext } from '../run/RunContext.js'

/** @internal */
export class TextPosition {
  private consumed = 0
  private exact = true

  /** `start`: the byte offset the reading started at. */
  constructor(private readonly start: number) {}

  /** The parser was given `text`, decoded from the file; `invalid` lists undecodable characters. */
  fed(text: string, invalid: readonly number[] | undefined): void {
    if (!this.exact) return
    if ((invalid !== undefined && invalid.length > 0) || text.includes('\uFFFD')) {
      this.exact = false
      return
    }
    this.consumed += Buffer.byteLength(text, 'utf8')
  }

  /**
   * The offset in the file where `carry` — the text fed but not made into records yet — starts,
   * or `undefined` when it is not known. `bom`: a byte order mark was read at the start.
   */
  offset(carry: string | undefined, bom: boolean): number | undefined {
    if (!this.exact || carry === undefined) return undefined
    return this.start + (bom ? 3 : 0) + this.consumed - Buffer.byteLength(carry, 'utf8')
  }
}

/**
 * A position tracker for a source of a file starting at `start`, when the run takes checkpoints;
 * a source that cannot give exact offsets (another encoding) fails the run at its start.
 *
 * @internal
 */
export function trackTextPosition(
  run: RunContext,
  stage: string,
  start: number,
  encoding: string,
): TextPosition | undefined {
  if (checkpointsOf(run) === undefined) return undefined
  if (new TextDecoder(encoding).encoding !== 'utf-8')
    throw new Error(
      `${stage}: checkpoints need a UTF-8 file (byte offsets of records); this one is read as ${encoding}`,
    )
  return new TextPosition(start)
}
