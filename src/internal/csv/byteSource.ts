/**
 * Where the CSV reader's bytes come from: a file read in chunks through its own handle (so the
 * reader decides when to read, and closing is certain), any Node `Readable` read with `read()`, and
 * gzip input recognised by its magic bytes and inflated on the way.
 *
 * @internal
 * @packageDocumentation
 */
import { open, type FileHandle } from 'node:fs/promises'
import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'

/** A pull-based source of byte chunks. `read` resolves `undefined` at the end. @internal */
export interface ByteSource {
  read(): Promise<Buffer | undefined>
  /** Releases the file handle or stream; safe to call more than once, and during a read. */
  close(): Promise<void>
}

/** Bytes asked for per file read: small chunks parse fastest and pin the least memory. @internal */
export const FILE_CHUNK_BYTES = 64 * 1024

/** Why a path cannot be read, in a few words, from a Node system error. @internal */
export function describeSystemError(error: unknown): string {
  const code = (error as { code?: unknown }).code
  const words: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory',
    EMFILE: 'too many open files',
  }
  if (typeof code === 'string') return `${words[code] ?? 'system error'} (${code})`
  return error instanceof Error ? error.message : String(error)
}

/** @internal */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError'
}

/** A byte range of a file: from `start` up to (not including) `end`. @internal */
export interface ByteSpan {
  readonly start: number
  readonly end: number
}

/**
 * Opens a file for chunked reading; a missing or unreadable path rejects naming it. With `spans`,
 * only those byte ranges are read, one after the other.
 *
 * @internal
 */
export async function openFileSource(
  stage: string,
  path: string,
  signal: AbortSignal,
  /** The byte offset to start at (a position saved by the `state` run option). */
  start = 0,
  /** With `spans`: only these byte ranges, in order (a task of a split file). */
  spans?: readonly ByteSpan[],
): Promise<ByteSource> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw new SourceReadError(`${stage}: cannot open ${path}: ${describeSystemError(error)}`, {
      cause: error,
    })
  }
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= handle.close().catch(() => undefined)
    return closing
  }
  if (signal.aborted) await close()
  let position = start
  if (start > 0) {
    const { size } = await handle.stat()
    if (size < start) {
      await close()
      throw new SourceReadError(
        `${stage}: ${path} holds ${size} bytes, fewer than the ${start} bytes the saved state says were read: ` +
          'it was replaced or truncated; delete the state key to read it from the start',
      )
    }
  }
  // One read ahead: the next chunk comes from disk while this one is parsed.
  type Outcome =
    { readonly buffer: Buffer; readonly bytesRead: number } | { readonly error: unknown }
  const remaining = spans?.map((span) => ({ ...span }))
  const readChunk = (): Promise<Outcome> => {
    const buffer = Buffer.allocUnsafe(FILE_CHUNK_BYTES)
    if (remaining !== undefined) return readSpan(buffer)
    return handle.read(buffer, 0, FILE_CHUNK_BYTES, start > 0 ? position : null).then(
      ({ bytesRead }) => {
        position += bytesRead
        return { buffer, bytesRead }
      },
      (error: unknown) => ({ error }),
    )
  }
  const readSpan = async (buffer: Buffer): Promise<Outcome> => {
    const spanList = remaining as Array<{ start: number; end: number }>
    while (spanList.length > 0 && (spanList[0] as ByteSpan).start >= (spanList[0] as ByteSpan).end)
      spanList.shift()
    const span = spanList[0]
    if (span === undefined) return { buffer, bytesRead: 0 }
    try {
      const length = Math.min(FILE_CHUNK_BYTES, span.end - span.start)
      const { bytesRead } = await handle.read(buffer, 0, length, span.start)
      // A file shorter than the span ends it.
      span.start = bytesRead === 0 ? span.end : span.start + bytesRead
      return bytesRead === 0 ? readSpan(buffer) : { buffer, bytesRead }
    } catch (error) {
      return { error }
    }
  }
  let ahead: Promise<Outcome> | undefined
  return {
    async read() {
      if (closing !== undefined || signal.aborted) return undefined
      const outcome = await (ahead ?? readChunk())
      ahead = undefined
      if ('error' in outcome) {
        await close()
        if (signal.aborted) return undefined
        throw new SourceReadError(
          `${stage}: cannot read ${path}: ${describeSystemError(outcome.error)}`,
          { cause: outcome.error },
        )
      }
      const { buffer, bytesRead } = outcome
      if (bytesRead === 0) {
        await close()
        return undefined
      }
      if (closing === undefined && !signal.aborted) ahead = readChunk()
      return bytesRead === FILE_CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead)
    },
    close,
  }
}

/**
 * Reads a Node `Readable` chunk by chunk with `read()`. A pending read wakes when the stream has
 * data, ends, fails, closes — or when `signal` aborts. `close` destroys the stream.
 *
 * @internal
 */
export function readableSource(
  stage: string,
  where: string,
  stream: NodeJS.ReadableStream & Partial<Readable>,
  signal: AbortSignal,
): ByteSource {
  let ended = false
  let failure: unknown
  let closed = false
  if (stream.destroyed === true || stream.readableEnded === true)
    throw new SourceReadError(
      `${stage}: cannot read ${where}: it was already read or destroyed (a stream can be read once)`,
    )
  const onEnd = (): void => {
    ended = true
  }
  const onError = (error: unknown): void => {
    failure ??= error
  }
  stream.on('end', onEnd)
  stream.on('error', onError)
  const detach = (): void => {
    stream.removeListener('end', onEnd)
    stream.removeListener('error', onError)
  }
  const fail = (): never => {
    throw new SourceReadError(
      `${stage}: cannot read ${where}: ${failure instanceof Error ? failure.message : String(failure)}`,
      { cause: failure },
    )
  }
  const waitForActivity = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const wake = (): void => {
        stream.removeListener('readable', wake)
        stream.removeListener('end', wake)
        stream.removeListener('error', wake)
        stream.removeListener('close', wake)
        signal.removeEventListener('abort', wake)
        resolve()
      }
      stream.on('readable', wake)
      stream.on('end', wake)
      stream.on('error', wake)
      stream.on('close', wake)
      signal.addEventListener('abort', wake)
    })
  return {
    async read() {
      for (;;) {
        if (closed || signal.aborted) return undefined
        if (failure !== undefined) fail()
        const chunk: unknown = stream.read()
        if (chunk !== null && chunk !== undefined) {
          if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8')
          if (chunk instanceof Uint8Array)
            return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
          throw new SourceReadError(
            `${stage}: cannot read ${where}: the stream gave a ${typeof chunk} chunk; a CSV stream must give bytes or strings`,
          )
        }
        if (ended || stream.readableEnded === true) return undefined
        if (stream.destroyed === true) {
          if (failure !== undefined) fail()
          throw new SourceReadError(
            `${stage}: cannot read ${where}: the stream closed before its end`,
          )
        }
        await waitForActivity()
      }
    },
    async close() {
      if (closed) return
      closed = true
      detach()
      // Swallow a late error from the destroyed stream rather than crash the process.
      stream.on('error', () => undefined)
      stream.destroy?.()
    },
  }
}

/** A source that gives `first` before the rest of `rest`. */
function prepend(first: Buffer, rest: ByteSource): ByteSource {
  let pending: Buffer | undefined = first
  return {
    read() {
      const chunk = pending
      pending = undefined
      return chunk !== undefined ? Promise.resolve(chunk) : rest.read()
    },
    close: () => rest.close(),
  }
}

/**
 * Looks at the first bytes: gzip (`1f 8b`) is inflated on the way, anything else passes as it is.
 * `mustBeGzip` (a `.gz` name) makes other content an error.
 *
 * @internal
 */
export async function gunzipIfCompressed(
  stage: string,
  where: string,
  source: ByteSource,
  signal: AbortSignal,
  mustBeGzip: boolean,
): Promise<ByteSource> {
  let head: Buffer = Buffer.alloc(0)
  for (;;) {
    let chunk: Buffer | undefined
    try {
      chunk = await source.read()
    } catch (error) {
      await source.close()
      throw error
    }
    if (chunk === undefined) break
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk])
    if (head.length >= 2) break
  }
  const compressed = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
  if (!compressed) {
    if (mustBeGzip && head.length > 0) {
      await source.close()
      throw new SourceReadError(
        `${stage}: cannot read ${where}: the name ends in .gz but it is not gzip data`,
      )
    }
    return prepend(head, source)
  }
  const raw = prepend(head, source)
  async function* rawChunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = await raw.read()
      if (chunk === undefined) return
      yield chunk
    }
  }
  const input = Readable.from(rawChunks(), { objectMode: false })
  const gunzip = createGunzip()
  pipeline(input, gunzip, () => undefined)
  const inflated = readableSource(stage, where, gunzip, signal)
  return {
    read: () => inflated.read(),
    async close() {
      await inflated.close()
      input.destroy()
      await raw.close()
    },
  }
}
