/**
 * A Node `Readable` read chunk by chunk with `read()`: a pending read wakes when the stream has
 * data, ends, fails, closes — or when the signal aborts. Closing destroys the stream.
 *
 * @internal
 * @packageDocumentation
 */
import type { Readable } from 'node:stream'
import type { ByteSource } from './ByteSource.js'
import { cannotRead } from './SourceReadError.js'

/** The events a pending read waits for. */
const WAKING_EVENTS = ['readable', 'end', 'error', 'close'] as const

/**
 * Reads `stream` (named `where` in messages). Throws at once if it was already read or destroyed:
 * a stream can be read only once.
 *
 * @internal
 */
export function readableBytes(
  stage: string,
  where: string,
  stream: NodeJS.ReadableStream & Partial<Readable>,
  signal: AbortSignal,
): ByteSource {
  if (stream.destroyed === true || stream.readableEnded === true)
    throw cannotRead(
      stage,
      where,
      'it was already read or destroyed; a Readable can be read once — pass a file path or a function per run',
    )
  let ended = false
  let failure: unknown
  let closed = false
  const onEnd = (): void => {
    ended = true
  }
  const onError = (error: unknown): void => {
    failure ??= error
  }
  stream.on('end', onEnd)
  stream.on('error', onError)
  const fail = (): never => {
    throw cannotRead(
      stage,
      where,
      failure instanceof Error ? failure.message : String(failure),
      failure,
    )
  }
  const waitForActivity = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const wake = (): void => {
        for (const event of WAKING_EVENTS) stream.removeListener(event, wake)
        signal.removeEventListener('abort', wake)
        resolve()
      }
      for (const event of WAKING_EVENTS) stream.on(event, wake)
      signal.addEventListener('abort', wake)
    })
  return {
    async read() {
      for (;;) {
        if (closed || signal.aborted) return undefined
        if (failure !== undefined) fail()
        const chunk: unknown = stream.read()
        if (chunk !== null && chunk !== undefined) {
          if (typeof chunk === 'string') return chunk
          if (chunk instanceof Uint8Array)
            return Buffer.isBuffer(chunk)
              ? chunk
              : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          throw cannotRead(
            stage,
            where,
            `it gave a ${typeof chunk} chunk; a stream must give bytes or strings`,
          )
        }
        if (ended || stream.readableEnded === true) return undefined
        if (stream.destroyed === true) {
          if (failure !== undefined) fail()
          throw cannotRead(stage, where, 'the stream closed before its end')
        }
        await waitForActivity()
      }
    },
    async close() {
      if (closed) return
      closed = true
      stream.removeListener('end', onEnd)
      stream.removeListener('error', onError)
      // Swallow a late error from the destroyed stream rather than crash the process.
      stream.on('error', () => undefined)
      stream.destroy?.()
    },
  }
}
