/**
 * The file output the file sinks share: a write stream over a temporary file beside the target,
 * flushed to the disk (fsync) and renamed over the target on commit, removed on discard — or, with
 * `append`, over the target itself. Optionally gzipped. The sink around it is in `fileSink.ts`.
 *
 * The temporary file is opened (awaited) before the first write and closed fully before it is
 * renamed or removed: a stream that opens its file lazily could recreate it after the removal.
 *
 * @internal
 * @packageDocumentation
 */
import { createReadStream, type WriteStream } from 'node:fs'
import { open, readdir, rename, stat, truncate, unlink, type FileHandle } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip, type Gzip } from 'node:zlib'
import type { Readable, Transform, Writable } from 'node:stream'
import { describeError } from '../core/Failure.js'
import type { SinkOutput } from './sinkOutput.js'

/** @internal */
export interface FileOutputOptions {
  /** The stage name, for messages (`toCsv out.csv`). */
  readonly stage: string
  /** Write to the target directly (appending), without a temporary file. */
  readonly append?: boolean
  /** Flush the file to the disk before the rename (and the directory after it). Default true. */
  readonly fsync?: boolean
  /** Gzip what is written. */
  readonly gzip?: boolean
  /** Continue this temporary file of a checkpoint, cut back to `bytes` (see checkpoint/). */
  readonly resume?: { readonly path: string; readonly bytes: number }
  /** Files beside the target that its litter removal must spare (a checkpoint's journal). */
  readonly keep?: readonly string[]
}

/** Bytes the write stream queues before `write` returns false. */
const STREAM_HIGH_WATER = 512 * 1024

/**
 * An open file output. `write` follows the Writable contract: false means wait for `onDrain`.
 *
 * @internal
 */
export class FileOutput implements SinkOutput {
  /** Size of the target before this run (append mode; 0 otherwise). */
  readonly existingBytes: number
  /** The first write or close error, if any. */
  error: Error | undefined = undefined
  private finished = false
  /** The second temporary file of a rewrite, once there is one. */
  private secondPath: string | undefined = undefined
  /** Bytes of whole chunks that reached the file (plain append mode): what a failure keeps. */
  private confirmed = 0
  private readonly errorListeners: Array<(error: Error) => void> = []
  /** Writes not done yet, and who waits for there to be none (a checkpoint's fsync). */
  private outstanding = 0
  private idle: Array<() => void> = []
  /** Bytes handed to the file stream so far, and who waits for a prefix of them to be written. */
  private submitted = 0
  private prefixWaiters: Array<{ readonly bytes: number; readonly wake: () => void }> = []
  /** Temporary files of this target that killed runs left behind, removed when it opened. */
  removedTemporaryFiles: readonly string[] = []

  private constructor(
    /** The absolute path of the target. */
    readonly path: string,
    /** The absolute path of the file being written (the target itself in append mode). */
    readonly writingPath: string,
    private readonly handle: FileHandle,
    private readonly file: WriteStream,
    private readonly gzip: Gzip | undefined,
    private readonly options: FileOutputOptions,
    existingBytes: number,
    /** Bytes already in the file when it was opened (a resumed checkpoint's). */
    private readonly startBytes = 0,
    /** The file's inode: the target's after the rename, which tells a checkpoint's resume a commit happened. */
    readonly ino = 0,
  ) {
    this.existingBytes = existingBytes
    const onError = (error: Error): void => {
      if (this.error !== undefined) return
      this.error = new Error(
        `${options.stage}: cannot write ${this.path}: ${describeError(error)}`,
        { cause: error },
      )
      this.gzip?.destroy()
      this.file.destroy()
      this.wakePrefixWaiters(true)
      for (const listener of this.errorListeners) listener(this.error)
    }
    file.on('error', onError)
    gzip?.on('error', onError)
  }

  /**
   * Opens the output: a new temporary file beside `target`, or `target` itself in append mode.
   * Rejects with a message naming the path when the directory is missing or not writable.
   */
  static async open(target: string, options: FileOutputOptions): Promise<FileOutput> {
    const path = resolve(target)
    const directory = dirname(path)
    const cannot = (reason: string, cause?: unknown): Error =>
      new Error(`${options.stage}: cannot write ${path}: ${reason}`, { cause })
    const targetStat = await stat(path).catch(() => undefined)
    if (targetStat?.isDirectory() === true) throw cannot('it is a directory')
    const resume = options.resume
    const writingPath =
      options.append === true
        ? path
        : (resume?.path ??
          join(
            directory,
            `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
          ))
    let handle: FileHandle
    try {
      handle = await open(writingPath, options.append === true ? 'a' : resume ? 'r+' : 'wx')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw cannot(`the directory ${directory} does not exist`, error)
      if (code === 'EACCES' || code === 'EPERM')
        throw cannot(
          options.append === true ? 'permission denied' : `permission denied in ${directory}`,
          error,
        )
      if (code === 'ENOTDIR') throw cannot(`${directory} is not a directory`, error)
      throw cannot(describeError(error), error)
    }
    const removed = await removeLitter(directory, basename(path), [
      writingPath,
      ...(options.keep ?? []),
    ])
    if (resume !== undefined) await handle.truncate(resume.bytes)
    const opened = await handle.stat()
    const existingBytes = options.append === true ? opened.size : 0
    // The stream closes the file itself once it finished (after an fsync with `flush`), or when
    // it is destroyed: its 'close' event means the file is fully closed.
    const file = handle.createWriteStream({
      highWaterMark: STREAM_HIGH_WATER,
      flush: options.fsync !== false,
      ...(resume === undefined ? {} : { start: resume.bytes }),
    })
    const gzip = options.gzip === true ? createGzip() : undefined
    if (gzip !== undefined) gzip.pipe(file)
    const output = new FileOutput(
      path,
      writingPath,
      handle,
      file,
      gzip,
      options,
      existingBytes,
      resume?.bytes,
      opened.ino,
    )
    output.removedTemporaryFiles = removed
    return output
  }

  private get head(): Writable {
    return this.gzip ?? this.file
  }

  /** Writes a chunk; `done` is called once it reached the file (or the gzip stream). */
  write(chunk: string, done: (error?: Error | null) => void): boolean {
    if (this.gzip !== undefined) return this.gzip.write(chunk, done)
    this.outstanding += 1
    const size = Buffer.byteLength(chunk)
    this.submitted += size
    return this.file.write(chunk, (error) => {
      if (error === null || error === undefined) this.confirmed += size
      if (--this.outstanding === 0) for (const wake of this.idle.splice(0)) wake()
      if (this.prefixWaiters.length > 0)
        this.wakePrefixWaiters(error !== null && error !== undefined)
      done(error)
    })
  }

  /** The file's length once the writes handed to it so far are done (a checkpoint's barrier). */
  get submittedBytes(): number {
    return this.startBytes + this.submitted
  }

  /**
   * Waits until the file's first `bytes` are written (writes after them may still be under way),
   * then makes it durable (fdatasync: the data and the length, not the times). A checkpoint
   * taken at a barrier while records go on being written.
   */
  async syncPrefix(bytes: number): Promise<void> {
    if (this.startBytes + this.confirmed < bytes && this.error === undefined)
      await new Promise<void>((wake) => this.prefixWaiters.push({ bytes, wake }))
    if (this.error !== undefined) throw this.error
    if (this.startBytes + this.confirmed < bytes)
      throw new Error(`${this.options.stage}: cannot write ${this.path}: a write failed`)
    await this.handle.datasync()
  }

  private wakePrefixWaiters(failed: boolean): void {
    const reached = this.startBytes + this.confirmed
    const waiting: typeof this.prefixWaiters = []
    for (const waiter of this.prefixWaiters)
      if (failed || waiter.bytes <= reached) waiter.wake()
      else waiting.push(waiter)
    this.prefixWaiters = waiting
  }

  /** Resolves once the writes under way are done. */
  writesDone(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve()
    return new Promise<void>((wake) => this.idle.push(wake))
  }

  /**
   * Whether each chunk is durable in the target as soon as its write is done: plain append mode.
   * Otherwise (a temporary file, or a gzip member that is whole only once ended) nothing counts
   * before the commit.
   */
  get writesInPlace(): boolean {
    return this.options.append === true && this.gzip === undefined
  }

  /** Bytes this output added to the target that a failure keeps: whole chunks, in place. */
  get keptBytes(): number {
    return this.writesInPlace ? this.confirmed : 0
  }

  onDrain(listener: () => void): void {
    this.head.once('drain', listener)
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener)
  }

  /** Bytes written to the file so far. */
  get bytes(): number {
    return this.startBytes + this.file.bytesWritten
  }

  /**
   * Ends the stream; resolves once the file is flushed (with `fsync`) and closed, so every write
   * has reached it. Rejects on a write error.
   */
  async finish(): Promise<void> {
    if (this.finished) return
    this.finished = true
    if (!this.file.closed) {
      await new Promise<void>((resolveClose) => {
        this.file.once('close', () => resolveClose())
        // A stream that failed was destroyed: wait until its last write is over and it closed.
        if (this.error === undefined) this.head.end()
      })
    }
    await this.handle.close()
    if (this.error !== undefined) throw this.error
  }

  /**
   * Commits: finishes the file and renames it over the target (atomic mode). With `rewrite`,
   * the content first goes through that transform into a second temporary file — streamed, so
   * the file is never held in memory. Returns the size of the target's new content.
   *
   * `proceed` is asked just before the rename, the commit point: when it says no (the run was
   * aborted while the file was being closed or rewritten), the file is discarded, the target is
   * left as it was, and the result is `undefined`.
   */
  async commit(
    rewrite?: () => Transform,
    proceed: () => boolean = () => true,
  ): Promise<number | undefined> {
    try {
      await this.finish()
      if (this.options.append === true) return this.bytes
      let source = this.writingPath
      let bytes = this.bytes
      if (rewrite !== undefined && proceed()) {
        source = await this.rewrite(rewrite)
        await unlink(this.writingPath)
        bytes = (await stat(source)).size
      }
      if (!proceed()) {
        await this.discard()
        return undefined
      }
      await rename(source, this.path)
      if (this.options.fsync !== false) await syncDirectory(dirname(this.path))
      return bytes
    } catch (error) {
      const failure =
        error instanceof Error && error.message.startsWith(this.options.stage)
          ? error
          : new Error(`${this.options.stage}: cannot write ${this.path}: ${describeError(error)}`, {
              cause: error,
            })
      try {
        await this.discard()
      } catch (cleanupError) {
        // The commit's own error is what the user needs; the failed cleanup comes second.
        throw new CommitError(
          `${failure.message}; removing the temporary file ${this.writingPath} failed too: ${describeError(cleanupError)}`,
          failure.cause ?? failure,
          cleanupError,
        )
      }
      throw failure
    }
  }

  private async rewrite(rewrite: () => Transform): Promise<string> {
    const second = `${this.writingPath}.2`
    this.secondPath = second
    const handle = await open(second, 'wx')
    try {
      const stages: Array<Readable | Transform | Writable> = [createReadStream(this.writingPath)]
      if (this.gzip !== undefined) stages.push(createGunzip())
      stages.push(rewrite())
      if (this.gzip !== undefined) stages.push(createGzip())
      stages.push(handle.createWriteStream({ flush: this.options.fsync !== false }))
      await pipeline(stages)
    } finally {
      await handle.close()
    }
    return second
  }

  /**
   * Discards the output: destroys the stream, closes the file fully, and removes the temporary
   * file(s). In append mode the writes already queued complete (whole rows) and the file stays,
   * cut back to its last whole chunk after a failed write; a gzip member of this run is cut off.
   */
  async discard(): Promise<void> {
    if (this.options.append === true) {
      const failed = await this.finish().then(
        () => this.error !== undefined,
        () => true,
      )
      // A failed write (a full disk) may have put part of a chunk into the file: cut the file
      // back to its last whole chunk, so it ends with a whole row and holds what was counted.
      // A gzip member is whole only once ended, so there nothing of this run is kept.
      if (failed || this.gzip !== undefined)
        await truncate(this.path, this.existingBytes + this.keptBytes)
      return
    }
    if (!this.finished) {
      this.finished = true
      this.gzip?.destroy()
      if (!this.file.closed) {
        await new Promise<void>((resolveClose) => {
          this.file.once('close', () => resolveClose())
          this.file.destroy()
        })
      }
      // Already closed by the stream; awaited so no file descriptor outlives the discard.
      await this.handle.close().catch(() => undefined)
    }
    await removeIfPresent(this.writingPath)
    if (this.secondPath !== undefined) await removeIfPresent(this.secondPath)
  }
}

/**
 * A commit that failed, and whose cleanup failed too: `cause` is the commit's error (the rename's,
 * say), `cleanupError` the secondary one; the message names the stage, the target and both.
 *
 * @internal
 */
export class CommitError extends Error {
  constructor(
    message: string,
    cause: unknown,
    readonly cleanupError: unknown,
  ) {
    super(message, { cause })
  }
}

/** The end of a temporary file's name after `.<target name>.`: the writer's pid, hex, `.tmp`. */
const TEMPORARY_TAIL = /^(\d{1,10})\.[0-9a-f]{12}\.tmp(?:\.2)?$/

/**
 * Removes the temporary files of `name` in `directory` whose writing process no longer exists
 * (killed, or stopped by Ctrl-C before it could clean up): their names carry its pid. Files of
 * live processes — this one included — are left alone, and so are the paths in `keep`. Returns the
 * paths removed. Best effort: a file that cannot be removed is left for a later run.
 *
 * @internal
 */
export async function removeLitter(
  directory: string,
  name: string,
  keep: readonly string[] = [],
): Promise<string[]> {
  const prefix = `.${name}.`
  const removed: string[] = []
  const entries = await readdir(directory).catch(() => [] as string[])
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue
    const match = TEMPORARY_TAIL.exec(entry.slice(prefix.length))
    if (match === null) continue
    const pid = Number(match[1])
    if (pid === process.pid || isAlive(pid)) continue
    const path = join(directory, entry)
    if (keep.includes(path)) continue
    try {
      await unlink(path)
      removed.push(path)
    } catch {
      // Gone already (another run cleaned it), or not ours to remove: leave it.
    }
  }
  return removed
}

/** Whether a process with this pid exists (EPERM: it exists, owned by another user). */
function isAlive(pid: number): boolean {
  // 0 and negative numbers would signal process groups: never a writer's pid.
  if (!Number.isSafeInteger(pid) || pid <= 0) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** Makes a rename durable. Not every platform can open a directory: best effort. @internal */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(directory, 'r')
    await handle.sync()
  } catch {
    // Windows and some file systems cannot fsync a directory; the rename itself is done.
  } finally {
    await handle?.close().catch(() => undefined)
  }
}
