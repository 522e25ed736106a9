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

  /** Appends the entries and fsyncs; returns the journal's durable length. */
  async append(entries: readonly JournalEntry[]): Promise<number> {
    if (entries.length === 0) return this.length
    this.handle ??= await open(this.path, 'w')
    const text = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('')
    const buffer = Buffer.from(text, 'utf8')
    let written = 0
    while (written < buffer.length) {
      const { bytesWritten } = await this.handle.write(
        buffer,
        written,
        buffer.length - written,
        this.length + written,
      )
      written += bytesWritten
    }
    await this.handle.sync()
    this.length += buffer.length
    return this.length
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
