/**
 * A file read in 64 KiB chunks through its own handle, one read ahead: the next chunk comes from
 * disk while this one is parsed, and closing is certain.
 *
 * @internal
 * @packageDocumentation
 */
import { open, type FileHandle } from 'node:fs/promises'
import { INPUT_CHUNK_BYTES, type ByteSource, type ByteSpan } from './ByteSource.js'
import { cannotOpen, cannotRead, describeSystemError, SourceReadError } from './SourceReadError.js'

/** @internal */
export interface FileBytesOptions {
  /** The byte offset to start at (a position saved by the `state` run option). */
  readonly start?: number
  /** Only these byte ranges, in order (a task of a split file). */
  readonly spans?: readonly ByteSpan[] | undefined
}

type Outcome = { readonly buffer: Buffer; readonly bytesRead: number } | { readonly error: unknown }

/**
 * Opens a file for chunked reading; a missing or unreadable path rejects naming it.
 *
 * @internal
 */
export async function openFileBytes(
  stage: string,
  path: string,
  signal: AbortSignal,
  options: FileBytesOptions = {},
): Promise<ByteSource> {
  const start = options.start ?? 0
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw cannotOpen(stage, path, error)
  }
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= handle.close().catch(() => undefined)
    return closing
  }
  if (signal.aborted) await close()
  if (start > 0) await checkSize(stage, path, handle, start, close)
  const next =
    options.spans === undefined ? sequentialReads(handle, start) : spanReads(handle, options.spans)
  let ahead: Promise<Outcome> | undefined
  return {
    async read() {
      if (closing !== undefined || signal.aborted) return undefined
      const outcome = await (ahead ?? next())
      ahead = undefined
      if ('error' in outcome) {
        await close()
        if (signal.aborted) return undefined
        throw cannotRead(stage, path, describeSystemError(outcome.error), outcome.error)
      }
      const { buffer, bytesRead } = outcome
      if (bytesRead === 0) {
        await close()
        return undefined
      }
      if (closing === undefined && !signal.aborted) ahead = next()
      return bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)
    },
    close,
  }
}

/** A file shorter than a saved position was replaced or truncated: reading on would be wrong. */
async function checkSize(
  stage: string,
  path: string,
  handle: FileHandle,
  start: number,
  close: () => Promise<void>,
): Promise<void> {
  const { size } = await handle.stat()
  if (size >= start) return
  await close()
  throw new SourceReadError(
    `${stage}: ${path} holds ${size} bytes, fewer than the ${start} bytes the saved state says were read: ` +
      'it was replaced or truncated; delete the state key to read it from the start',
  )
}

/** Reads from `start` to the end of the file. */
function sequentialReads(handle: FileHandle, start: number): () => Promise<Outcome> {
  let position = start
  return () => {
    const buffer = Buffer.allocUnsafe(INPUT_CHUNK_BYTES)
    return handle.read(buffer, 0, INPUT_CHUNK_BYTES, start > 0 ? position : null).then(
      ({ bytesRead }) => {
        position += bytesRead
        return { buffer, bytesRead }
      },
      (error: unknown) => ({ error }),
    )
  }
}

/** Reads the spans one after the other; a file shorter than a span ends it. */
function spanReads(handle: FileHandle, spans: readonly ByteSpan[]): () => Promise<Outcome> {
  const remaining = spans.map((span) => ({ ...span }))
  const read = async (buffer: Buffer): Promise<Outcome> => {
    while (
      remaining.length > 0 &&
      (remaining[0] as ByteSpan).start >= (remaining[0] as ByteSpan).end
    )
      remaining.shift()
    const span = remaining[0]
    if (span === undefined) return { buffer, bytesRead: 0 }
    try {
      const length = Math.min(INPUT_CHUNK_BYTES, span.end - span.start)
      const { bytesRead } = await handle.read(buffer, 0, length, span.start)
      span.start = bytesRead === 0 ? span.end : span.start + bytesRead
      return bytesRead === 0 ? read(buffer) : { buffer, bytesRead }
    } catch (error) {
      return { error }
    }
  }
  return () => read(Buffer.allocUnsafe(INPUT_CHUNK_BYTES))
}
