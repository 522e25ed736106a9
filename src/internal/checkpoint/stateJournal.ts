/**
 * The journal of operator state: an append-only file of JSON lines, one per operator and
 * checkpoint, holding what the operator added since the previous one (dedupe's new keys). Each
 * checkpoint appends and fsyncs, and the checkpoint records the journal's length: a resume reads
 * that many bytes and cuts off what a killed run wrote after them. So the cost of a checkpoint
 * is what changed since the last, not the whole state.
 *
 * @internal
 * @packageDocumentation
 */
import { open, unlink, type FileHandle } from 'node:fs/promises'
import { describeError } from '../../core/Failure.js'

/** One line: a stage's change since the previous checkpoint. @internal */
export interface JournalEntry {
  readonly stage: string
  readonly change: unknown
}

/** @internal */
export class StateJournal {
  /** Where entries are encoded; reused once the write of the last append is over. */
  private scratch = Buffer.alloc(0)
  private writing = false

  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
    private length: number,
  ) {}

  /** A journal not created yet: the file appears with the first checkpoint that has state. */
  static fresh(path: string): StateJournal {
    return new StateJournal(path, undefined, 0)
  }

  /**
   * Opens the journal a checkpoint names, cut back to its durable `bytes`, and reads its entries.
   * A journal shorter than that is an error naming it.
   */
  static async resume(
    path: string,
    bytes: number,
  ): Promise<{ journal: StateJournal; entries: JournalEntry[] }> {
    if (bytes === 0) return { journal: StateJournal.fresh(path), entries: [] }
    let handle: FileHandle
    try {
      handle = await open(path, 'r+')
    } catch (error) {
      throw new Error(
        `checkpoint: cannot open the state journal ${path}: ${describeError(error)}; delete the state key to start the run over`,
        { cause: error },
      )
    }
    const { size } = await handle.stat()
    if (size < bytes) {
      await handle.close()
      throw new Error(
        `checkpoint: the state journal ${path} holds ${size} bytes, fewer than the ${bytes} the checkpoint saved; delete the state key to start the run over`,
      )
    }
    await handle.truncate(bytes)
    const buffer = Buffer.alloc(bytes)
    await handle.read(buffer, 0, bytes, 0)
    const entries = buffer
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as JournalEntry)
    return { journal: new StateJournal(path, handle, bytes), entries }
  }

  /**
   * Appends the entries: encodes them now, and returns the journal's length with them in it and a
   * promise that resolves once they are written and durable (fdatasync).
   */
  append(entries: readonly JournalEntry[]): { bytes: number; durable: Promise<void> } {
    if (entries.length === 0) return { bytes: this.length, durable: Promise.resolve() }
    let text = ''
    for (const entry of entries) text += `${JSON.stringify(entry)}\n`
    // Encoded into a buffer kept from one append to the next (a UTF-16 unit is at most 3 bytes of
    // UTF-8): Buffer.from would measure the text first and allocate anew each time.
    const needed = text.length * 3
    // A write still under way (a failed checkpoint's) keeps its buffer: this one gets another.
    if (this.writing || this.scratch.length < needed) this.scratch = Buffer.allocUnsafeSlow(needed)
    const size = this.scratch.write(text, 0, 'utf8')
    const at = this.length
    this.length += size
    return { bytes: this.length, durable: this.write(this.scratch.subarray(0, size), at) }
  }

  private async write(buffer: Buffer, at: number): Promise<void> {
    this.writing = true
    try {
      this.handle ??= await open(this.path, 'w')
      let written = 0
      while (written < buffer.length) {
        const { bytesWritten } = await this.handle.write(
          buffer,
          written,
          buffer.length - written,
          at + written,
        )
        written += bytesWritten
      }
      await this.handle.datasync()
    } finally {
      this.writing = false
    }
  }

  get bytes(): number {
    return this.length
  }

  /** Closes the file, keeping it (a stopped run leaves it for a resume). */
  async close(): Promise<void> {
    const handle = this.handle
    this.handle = undefined
    await handle?.close().catch(() => undefined)
  }

  /** Closes and removes the file. */
  async remove(): Promise<void> {
    await this.close()
    await unlink(this.path).catch(() => undefined)
  }
}
