/**
 * A sink output over a `Writable` the user gives (`process.stdout`, a socket, a file stream):
 * chunks are written in order with the stream's backpressure, and count once the stream accepted
 * them (their write callback). No temporary file and no rename: what was written stays written.
 *
 * @internal
 * @packageDocumentation
 */
import type { Writable } from 'node:stream'
import { describeError } from '../core/Failure.js'
import type { SinkOutput } from './sinkOutput.js'

/** @internal */
export interface StreamOutputOptions {
  /** The stage name, for messages (`toCsv stdout`). */
  readonly stage: string
  /** What to call the stream in messages and the report (`stdout`, a file stream's path). */
  readonly label: string
  /** End the stream when the run completes (never for stdout and stderr). */
  readonly end: boolean
}

/** An output that writes to a stream it does not own. @internal */
export class StreamOutput implements SinkOutput {
  readonly existingBytes = 0
  readonly writesInPlace = true
  readonly removedTemporaryFiles: readonly string[] = []
  error: Error | undefined = undefined
  private confirmed = 0
  private pending = 0
  private idle: Array<() => void> = []
  private readonly errorListeners: Array<(error: Error) => void> = []
  private done = false
  private readonly onStreamError = (error: Error): void => {
    if (this.error !== undefined) return
    this.error = new Error(
      `${this.options.stage}: cannot write to ${this.options.label}: ${describeError(error)}`,
      { cause: error },
    )
    for (const listener of this.errorListeners) listener(this.error)
    this.settleIdle()
  }

  constructor(
    private readonly stream: Writable,
    private readonly options: StreamOutputOptions,
  ) {
    if (stream.writableEnded || stream.destroyed)
      throw new Error(`${options.stage}: cannot write to ${options.label}: the stream has ended`)
    stream.on('error', this.onStreamError)
  }

  get path(): string {
    return this.options.label
  }

  get keptBytes(): number {
    return this.confirmed
  }

  write(chunk: string, done: (error?: Error | null) => void): boolean {
    this.pending += 1
    return this.stream.write(chunk, (error) => {
      this.pending -= 1
      if (error === null || error === undefined) this.confirmed += Buffer.byteLength(chunk)
      else this.onStreamError(error)
      done(error)
      if (this.pending === 0) this.settleIdle()
    })
  }

  onDrain(listener: () => void): void {
    const drained = (): void => {
      this.stream.off('close', drained)
      this.stream.off('drain', drained)
      listener()
    }
    this.stream.once('drain', drained)
    // A stream that closes never drains: let the sources go on, to see the error or the end.
    this.stream.once('close', drained)
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener)
  }

  /** Waits until every write was accepted; ends the stream if the output owns its end. */
  async commit(
    _rewrite?: unknown,
    proceed: () => boolean = () => true,
  ): Promise<number | undefined> {
    try {
      await this.writesDone()
      if (this.error !== undefined) throw this.error
      if (!proceed()) return undefined
      if (this.options.end) await this.endStream()
      if (this.error !== undefined) throw this.error
      return this.confirmed
    } finally {
      this.release()
    }
  }

  /** Stops using the stream: what was written stays; it is ended if the output owns its end. */
  async discard(): Promise<void> {
    try {
      await this.writesDone()
      if (this.options.end && this.error === undefined) await this.endStream()
    } finally {
      this.release()
    }
  }

  private writesDone(): Promise<void> {
    if (this.pending === 0 || this.error !== undefined) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  private settleIdle(): void {
    const waiting = this.idle
    this.idle = []
    for (const wake of waiting) wake()
  }

  private endStream(): Promise<void> {
    return new Promise((resolve) => {
      const finished = (): void => {
        this.stream.off('finish', finished)
        this.stream.off('close', finished)
        this.stream.off('error', finished)
        resolve()
      }
      this.stream.once('finish', finished)
      this.stream.once('close', finished)
      this.stream.once('error', finished)
      this.stream.end()
    })
  }

  private release(): void {
    if (this.done) return
    this.done = true
    // Keep a listener until the end of the process: a late error on a stream nobody listens to
    // would crash it. The output's own listener ignores errors once it is done.
    this.stream.off('error', this.onStreamError)
    if (!this.stream.listeners('error').includes(ignore)) this.stream.on('error', ignore)
  }
}

function ignore(): void {}
