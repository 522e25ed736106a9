/**
 * What a file sink writes to: a file (atomically, or appending) or a stream the user gives.
 *
 * @internal
 * @packageDocumentation
 */
import type { Transform } from 'node:stream'

/**
 * Where a file sink writes: a file (atomically, or appending) or a stream the user gives.
 *
 * @internal
 */
export interface SinkOutput {
  /** The target's absolute path, or what to call the stream. */
  readonly path: string
  /** Size of the target before this run (append mode; 0 otherwise). */
  readonly existingBytes: number
  /** Whether each chunk counts as written once its write is done (else at the commit). */
  readonly writesInPlace: boolean
  /** Bytes this output added that a failure keeps. */
  readonly keptBytes: number
  /** Temporary files of killed runs removed when the output opened. */
  readonly removedTemporaryFiles: readonly string[]
  /** Follows the Writable contract: false means wait for `onDrain`. */
  write(chunk: string, done: (error?: Error | null) => void): boolean
  onDrain(listener: () => void): void
  onError(listener: (error: Error) => void): void
  /** Makes the output final; undefined when `proceed` said no (then it was discarded). */
  commit(rewrite?: () => Transform, proceed?: () => boolean): Promise<number | undefined>
  discard(): Promise<void>
}
