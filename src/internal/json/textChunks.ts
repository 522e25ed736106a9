/**
 * Opens a text input — a file path, a Node Readable, or in-memory `{ text }` — as a pull-based
 * sequence of decoded string chunks: a chunk is read only when asked for, so a run without budget
 * leaves the file paused. The input is closed on the end, on an error and on `close()`, and a
 * pending read wakes when the signal aborts.
 *
 * @internal
 * @packageDocumentation
 */
import { open } from 'node:fs/promises'
import { addAbortSignal, pipeline, type Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import { describeError } from '../../core/Failure.js'
import { createTextDecoding } from '../csv/textDecoding.js'

/** The reason given for text holding bytes that are not UTF-8. @internal */
export const INVALID_UTF8 =
  "invalid UTF-8 byte sequence: if the input is not UTF-8, pass its encoding (such as encoding: 'latin1'), or strictEncoding: false to read such bytes as U+FFFD"

/** What a text source reads. @internal */
export type TextInput = string | Readable | { readonly text: string }

/** @internal */
export interface TextChunkOptions {
  readonly encoding: BufferEncoding
  /** Find the bytes that are not UTF-8 (for UTF-8 input) rather than read them as U+FFFD alone. */
  readonly strict: boolean
  /** Decompress with gunzip. */
  readonly gzip: boolean
  /** The stage name, for error messages. */
  readonly stage: string
  readonly signal: AbortSignal
  /** The byte offset to start a file at (a position saved by the `state` run option). */
  readonly start?: number
  /** Only the bytes from `start` up to (not including) `end` of a file. */
  readonly range?: { readonly start: number; readonly end: number } | undefined
}

/** @internal */
export interface TextChunks {
  /** The next chunk of text, or `undefined` at the end. */
  next(): Promise<string | undefined>
  /**
   * The offsets in the last chunk of the U+FFFD characters that stand for undecodable bytes
   * (with `strict`; empty otherwise).
   */
  readonly invalid: readonly number[]
  /** Releases the input; waits until a file is closed. Safe to call more than once. */
  close(): Promise<void>
}

/** The size of a file read and of a `{ text }` slice. */
const CHUNK = 64 * 1024

/** @internal */
export async function openTextChunks(
  input: TextInput,
  options: TextChunkOptions,
): Promise<TextChunks> {
  if (typeof input === 'object' && 'text' in input && !isReadable(input))
    return textChunks(input.text)
  if (typeof input === 'string') {
    let handle
    try {
      handle = await open(input, 'r')
    } catch (error) {
      throw new Error(`${options.stage}: cannot open ${input}: ${describeError(error)}`, {
        cause: error,
      })
    }
    const start = options.start ?? 0
    if (start > 0) {
      const { size } = await handle.stat()
      if (size < start) {
        await handle.close()
        throw new Error(
          `${options.stage}: ${input} holds ${size} bytes, fewer than the ${start} bytes the saved state says were read: ` +
            'it was replaced or truncated; delete the state key to read it from the start',
        )
      }
    }
    const { range } = options
    if (range !== undefined && range.end <= range.start) {
      await handle.close()
      return textChunks('')
    }
    const file = handle.createReadStream({
      highWaterMark: CHUNK,
      ...(range === undefined ? { start } : { start: range.start, end: range.end - 1 }),
    })
    return streamChunks(file, true, options, `cannot read ${input}`)
  }
  if (input.readableEnded || input.destroyed)
    throw new Error(
      `${options.stage}: the stream was already read or destroyed; a Readable can be read once — pass a file path or a function per run`,
    )
  return streamChunks(input, false, options, 'cannot read the stream')
}

function isReadable(input: object): input is Readable {
  return (
    typeof (input as Readable).pipe === 'function' && typeof (input as Readable).on === 'function'
  )
}

function textChunks(text: string): TextChunks {
  let index = 0
  return {
    invalid: [],
    next: async () => {
      if (index >= text.length) return undefined
      let end = Math.min(text.length, index + CHUNK)
      // Never split a surrogate pair: byte offsets are worked out per chunk.
      const last = text.charCodeAt(end - 1)
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++
      const chunk = text.slice(index, end)
      index = end
      return chunk
    },
    close: async () => {
      index = text.length
    },
  }
}

/** `owned`: we opened `source` and know it emits 'close' (a user's stream may not). */
function streamChunks(
  source: Readable,
  owned: boolean,
  options: TextChunkOptions,
  what: string,
): TextChunks {
  const stream: Readable = options.gzip ? pipeline(source, createGunzip(), () => undefined) : source
  addAbortSignal(options.signal, stream)
  const decoder = textDecoder(options)
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<unknown>
  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      const streams = stream === source ? [source] : [stream, source]
      const awaited = streams.filter((each) => each !== source || owned)
      let pending = awaited.length + 1
      const done = (): void => {
        pending -= 1
        if (pending === 0) resolve()
      }
      for (const each of streams) {
        if (awaited.includes(each) && !each.closed) each.once('close', done)
        else if (awaited.includes(each)) done()
        each.destroy()
      }
      done()
    })
    return closed
  }
  return {
    get invalid() {
      return decoder.invalid
    },
    async next() {
      for (;;) {
        let step: IteratorResult<unknown>
        try {
          step = await iterator.next()
        } catch (error) {
          await close()
          throw new Error(`${options.stage}: ${what}: ${describeError(error)}`, { cause: error })
        }
        if (step.done === true) {
          await close()
          const tail = decoder.end()
          return tail === '' ? undefined : tail
        }
        const value = step.value
        let text: string
        if (typeof value === 'string') {
          text = value
          decoder.invalid = []
        } else if (value instanceof Uint8Array) text = decoder.write(value)
        else {
          await close()
          throw new Error(
            `${options.stage}: the stream gave ${typeof value} values; fromJson reads text or bytes`,
          )
        }
        if (text !== '') return text
      }
    },
    close,
  }
}

interface ChunkDecoder {
  write(bytes: Uint8Array): string
  end(): string
  /** Undecodable characters of the last text given. */
  invalid: readonly number[]
}

function textDecoder(options: TextChunkOptions): ChunkDecoder {
  const utf8 = options.encoding === 'utf8' || options.encoding === 'utf-8'
  if (!utf8 || !options.strict) {
    const decoder = new StringDecoder(options.encoding)
    return { write: (bytes) => decoder.write(bytes), end: () => decoder.end(), invalid: [] }
  }
  const decoding = createTextDecoding('utf-8', true, true)
  const decoder: ChunkDecoder = {
    invalid: [],
    write(bytes) {
      const piece = decoding.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      decoder.invalid = piece.invalid ?? []
      return piece.text
    },
    end() {
      const piece = decoding.end()
      decoder.invalid = piece.invalid ?? []
      return piece.text
    },
  }
  return decoder
}
