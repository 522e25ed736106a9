/**
 * The one way a text source opens its input — a file path, a Node `Readable`, or `{ text }` — as
 * a pull-based sequence of decoded text pieces: 64 KiB read at a time and only when asked for (a
 * run without budget leaves the file paused), gzip inflated on the way, bytes decoded with the
 * bytes that are not UTF-8 marked, a byte range of a file read alone. The input is closed on the
 * end, on an error and on `close()`, and a pending read ends when the signal aborts.
 *
 * @internal
 * @packageDocumentation
 */
import { INPUT_CHUNK_BYTES, type ByteSource, type ByteSpan } from './ByteSource.js'
import { openFileBytes } from './fileBytes.js'
import { gunzipIfCompressed } from './gunzip.js'
import { inputPlace, isReadable, type SourceInput } from './SourceInput.js'
import { readableBytes } from './streamBytes.js'
import { createTextDecoding, type InvalidBytes, type TextDecoding } from './textDecoding.js'

/** @internal */
export interface TextInputOptions {
  /** The stage name, for error messages. */
  readonly stage: string
  readonly signal: AbortSignal
  /** A WHATWG label, or (with `labels: 'node'`) a Node `BufferEncoding`. */
  readonly encoding: string
  readonly labels: 'whatwg' | 'node'
  /** Mark the bytes that are not UTF-8 (UTF-8 input), rather than read them as U+FFFD alone. */
  readonly strict: boolean
  /** Leave a leading byte order mark in the text (for readers that count its bytes). */
  readonly keepBom: boolean
  /**
   * `detect`: gzip data is recognised by its first bytes (and a path ending in `.gz` must be
   * gzip); `require`: the input must be gzip; `never`: read the bytes as they are.
   */
  readonly gzip: 'detect' | 'require' | 'never'
  /** The byte offset to start a file at (a position saved by the `state` run option). */
  readonly start?: number
  /** Only these byte ranges of a file, in order (a task of a split file). */
  readonly spans?: readonly ByteSpan[] | undefined
}

/** A piece of decoded text. @internal */
export interface TextPiece {
  readonly text: string
  /** The offsets in `text` of the U+FFFD characters that stand for undecodable bytes. */
  readonly invalid: InvalidBytes
  /** The bytes it was decoded from (characters, for `{ text }`). */
  readonly bytes: number
}

/** @internal */
export interface TextSource {
  /** The next piece of text (never empty), or `undefined` at the end. */
  next(): Promise<TextPiece | undefined>
  /** Releases the input; waits until a file is closed. Safe to call more than once. */
  close(): Promise<void>
  /** Whether the input turned out to be gzip data (no position can be saved inside it). */
  readonly compressed: boolean
  /** Bytes of the file read so far from `start` (before inflating); 0 for other inputs. */
  readonly fileBytesRead: number
  /**
   * A file read from its start began with a UTF-8 byte order mark (its 3 bytes are in no piece):
   * readers that work out byte offsets from the text add them (checkpoints).
   */
  readonly startsWithBom: boolean
}

const NONE: InvalidBytes = []

/**
 * Opens `input`. A missing or unreadable file, a stream already read, and an unknown WHATWG
 * encoding reject, naming the stage and the place.
 *
 * @internal
 */
export async function openTextInput(
  input: SourceInput,
  options: TextInputOptions,
): Promise<TextSource> {
  if (typeof input === 'object' && !isReadable(input)) return memoryText(input.text, options)
  const decoding = createTextDecoding(options)
  const { stage, signal } = options
  const where = inputPlace(input)
  if (typeof input !== 'string') {
    const stream = readableBytes(stage, where, input, signal)
    if (options.gzip === 'never') return decodedText(stream, decoding, options, undefined)
    const mode = options.gzip === 'require' ? 'require' : 'detect'
    const { bytes } = await gunzipIfCompressed(
      stage,
      where,
      stream,
      signal,
      mode,
      'gzip: true was given',
    )
    return decodedText(bytes, decoding, options, undefined)
  }
  const start = options.start ?? 0
  const progress: FileProgress = { read: 0, compressed: false, bom: false }
  const file = counted(
    await openFileBytes(stage, input, signal, { start, spans: options.spans }),
    progress,
    start,
  )
  // A saved position is never inside gzip data, and a byte range is of a plain file.
  if (options.gzip === 'never' || start > 0 || options.spans !== undefined)
    return decodedText(file, decoding, options, progress)
  const gz = /\.gz$/i.test(input)
  const mode = options.gzip === 'require' || gz ? 'require' : 'detect'
  const why = gz ? 'the name ends in .gz' : 'gzip: true was given'
  const { bytes, compressed } = await gunzipIfCompressed(stage, where, file, signal, mode, why)
  progress.compressed = compressed
  return decodedText(bytes, decoding, options, progress)
}

interface FileProgress {
  read: number
  compressed: boolean
  /** The bytes read from offset 0 began with a UTF-8 byte order mark. */
  bom: boolean
}

function counted(source: ByteSource, progress: FileProgress, start: number): ByteSource {
  return {
    async read() {
      const chunk = await source.read()
      if (chunk === undefined) return chunk
      if (progress.read === 0 && start === 0 && typeof chunk !== 'string')
        progress.bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf
      progress.read += chunk.length
      return chunk
    },
    close: () => source.close(),
  }
}

function decodedText(
  source: ByteSource,
  decoding: TextDecoding,
  options: TextInputOptions,
  progress: FileProgress | undefined,
): TextSource {
  let ended = false
  let atStart = true
  /** Bytes of pieces that decoded to no text yet (the start of a character). */
  let pendingBytes = 0
  const piece = (text: string, invalid: InvalidBytes | undefined, bytes: number): TextPiece => {
    const counted = pendingBytes + bytes
    pendingBytes = 0
    atStart = false
    return { text, invalid: invalid ?? NONE, bytes: counted }
  }
  return {
    async next() {
      while (!ended) {
        const chunk = await source.read()
        if (chunk === undefined) {
          ended = true
          const { text, invalid } = decoding.end()
          if (text !== '') return piece(text, invalid, 0)
          break
        }
        if (typeof chunk === 'string') {
          // A stream that gives strings: text as it is (a leading byte order mark aside).
          const text =
            atStart && !options.keepBom && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk
          if (text !== '') return piece(text, NONE, Buffer.byteLength(chunk))
          continue
        }
        const { text, invalid } = decoding.decode(chunk)
        if (text !== '') return piece(text, invalid, chunk.length)
        pendingBytes += chunk.length
      }
      return undefined
    },
    close: () => source.close(),
    get compressed() {
      return progress?.compressed ?? false
    },
    get fileBytesRead() {
      return progress?.read ?? 0
    },
    get startsWithBom() {
      return progress?.bom ?? false
    },
  }
}

function memoryText(text: string, options: TextInputOptions): TextSource {
  let index = !options.keepBom && text.charCodeAt(0) === 0xfeff ? 1 : 0
  return {
    async next() {
      if (index >= text.length) return undefined
      let end = Math.min(text.length, index + INPUT_CHUNK_BYTES)
      // Never split a surrogate pair: readers work out byte offsets chunk by chunk.
      const last = text.charCodeAt(end - 1)
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++
      const chunk = text.slice(index, end)
      index = end
      return { text: chunk, invalid: NONE, bytes: chunk.length }
    },
    async close() {
      index = text.length
    },
    compressed: false,
    fileBytesRead: 0,
    startsWithBom: false,
  }
}
