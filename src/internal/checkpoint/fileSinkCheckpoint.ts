/**
 * A file sink's part in checkpoints: at each checkpoint its temporary file is fsynced and its
 * length, inode, counters and format state (the CSV header written, the columns) are saved; a
 * resumed run reopens that temporary file, cuts it back to the saved length (what a killed run
 * wrote after the checkpoint goes) and writes on, so the file ends byte for byte as an
 * uninterrupted run's. A temporary file already renamed over the target (a run killed between
 * its rename and its state's save) is recognised by its inode, and only the commit is finished.
 *
 * @internal
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { SinkOutput } from '../sinkOutput.js'
import type { Checkpointer, SinkBarrier } from './Checkpointer.js'
import { isSavedFileSink, type SavedFileSink } from './savedCheckpoint.js'

/** The sink's own figures a checkpoint saves. @internal */
export interface FileSinkCounters {
  readonly received: number
  readonly accepted: number
  /** Records in the temporary file, written when it is committed. */
  readonly uncommitted: number
}

/** The file sink's settings a checkpoint reads. @internal */
export interface CheckpointedFileSettings {
  readonly stage: string
  readonly path: string
  readonly stream?: unknown
  readonly append?: boolean
  readonly gzip?: boolean
  readonly checkpointable?: boolean
}

/** A file format's state for checkpoints (see `FileFormat`). @internal */
export interface FormatState {
  readonly save?: () => unknown
  readonly restore?: (saved: unknown) => void
}

/** An output whose durable length a checkpoint can take (`FileOutput`). @internal */
export interface DurableOutput extends SinkOutput {
  /** Resolves once the writes under way are done. */
  writesDone(): Promise<void>
  /** The file's length once the writes handed to it so far are done. */
  readonly submittedBytes: number
  /** The file being written (the temporary file), as a checkpoint names it. */
  readonly writingPath: string
  /** Its inode: after the rename the target's, which tells a resume the commit happened. */
  readonly ino: number
  /** Waits for the file's first `bytes` to be written and makes them durable. */
  syncPrefix(bytes: number): Promise<void>
}

/** How to open the sink's temporary file: a new one, or a checkpoint's to continue. @internal */
export type OpenFile = (extra: {
  readonly keep: readonly string[]
  readonly resume?: { readonly path: string; readonly bytes: number }
}) => Promise<DurableOutput>

/** What the checkpoint reaches inside the file sink. @internal */
export interface FileSinkAccess {
  /** Hands the buffered rows to the file. */
  flush(): void
  /** Records in writes handed to the file that are not done yet. */
  recordsInWrites(): number
  counters(): FileSinkCounters
  restoreCounters(counters: FileSinkCounters): void
  output(): SinkOutput | undefined
  format(): FormatState | undefined
  readonly openFile: OpenFile
}

/** @internal */
export class FileSinkCheckpoint {
  private resumed: SavedFileSink | undefined
  /**
   * Resumed from the final checkpoint: the file was complete, its format's end written; only
   * the commit is left.
   */
  resumedComplete = false

  private constructor(
    private readonly checkpoints: Checkpointer,
    private readonly settings: CheckpointedFileSettings,
    private readonly access: FileSinkAccess,
  ) {}

  /**
   * The checkpoint side of a file sink, when its run takes `checkpoints` and the sink can (a file,
   * not appending, not gzipped, with a format that saves its state); otherwise `undefined`, and
   * the run refuses at start.
   */
  static of(
    checkpoints: Checkpointer | undefined,
    settings: CheckpointedFileSettings,
    access: FileSinkAccess,
  ): FileSinkCheckpoint | undefined {
    if (checkpoints === undefined) return undefined
    if (
      settings.stream !== undefined ||
      settings.append === true ||
      settings.gzip === true ||
      settings.checkpointable !== true
    )
      return undefined
    const sink = new FileSinkCheckpoint(checkpoints, settings, access)
    checkpoints.registerSink(settings.stage, {
      target: resolve(settings.path),
      flush: () => access.flush(),
      writesDone: () => {
        const output = access.output()
        return output !== undefined && 'writesDone' in output
          ? (output as DurableOutput).writesDone()
          : Promise.resolve()
      },
      barrier: () => sink.barrier(),
    })
    return sink
  }

  /**
   * Whether a stopped run keeps its temporary file: a saved checkpoint names it, for a resume.
   * Asked once {@link settled} resolved.
   */
  get keepOnStop(): boolean {
    return this.checkpoints.saved
  }

  /** Resolves once the checkpoint under way, if any, is saved or failed. */
  settled(): Promise<void> {
    return this.checkpoints.settled()
  }

  /**
   * Opens the output: the temporary file of the checkpoint resumed from, cut to its saved
   * length; the target itself when that file was renamed already; else a new temporary file.
   */
  async open(): Promise<SinkOutput> {
    const saved = await this.checkpoints.resumedSink(this.settings.stage)
    const keep = await this.checkpoints.keptFiles()
    if (saved === undefined) return this.access.openFile({ keep })
    if (!isSavedFileSink(saved))
      throw new Error(`${this.settings.stage}: the checkpoint holds no file of this sink`)
    this.resumed = saved
    this.resumedComplete = await this.checkpoints.sourcesDone()
    const present = await stat(saved.path).catch(() => undefined)
    if (present !== undefined)
      return this.access.openFile({ keep, resume: { path: saved.path, bytes: saved.bytes } })
    const target = resolve(this.settings.path)
    const committed = await stat(target).catch(() => undefined)
    if (committed?.ino === saved.ino) return new CommittedOutput(target, committed.size, saved)
    throw new Error(
      `${this.settings.stage}: cannot resume: the temporary file ${saved.path} of the checkpoint is gone and ${target} is not it; delete the state key to start the run over`,
    )
  }

  /** Restores the counters and the format's state of a resumed run; true when it resumed. */
  resume(format: FormatState): boolean {
    const saved = this.resumed
    if (saved === undefined) return false
    format.restore?.(saved.format)
    this.access.restoreCounters({
      received: saved.received,
      accepted: saved.accepted,
      uncommitted: this.checkpoints.resumedUncommitted,
    })
    return true
  }

  /** The final checkpoint, just before the commit (see Checkpointer.beforeCommit). */
  beforeCommit(): Promise<void> {
    return this.checkpoints.beforeCommit()
  }

  /**
   * The barrier of a checkpoint, taken synchronously: hands the buffered rows to the file and
   * notes its length and the sink's counters and format state as they are now. The returned
   * `durable` waits for that prefix of the file to be written and fsyncs it, while later records
   * go on being written after it.
   */
  private barrier(): SinkBarrier {
    this.access.flush()
    const output = this.access.output()
    if (output === undefined || !('syncPrefix' in output))
      throw new Error(`${this.settings.stage}: checkpoint: the file is not open`)
    const durableOutput = output as DurableOutput
    const bytes = durableOutput.submittedBytes
    const counters = this.access.counters()
    const saved = this.access.format()?.save?.()
    // A copy: the format's own arrays change as later records are formatted.
    const format = saved === undefined ? undefined : structuredClone(saved)
    return {
      records: this.access.recordsInWrites(),
      saved: {
        path: durableOutput.writingPath,
        bytes,
        ino: durableOutput.ino,
        received: counters.received,
        accepted: counters.accepted,
        format,
      },
      durable: () => durableOutput.syncPrefix(bytes),
    }
  }
}

/**
 * The output of a run resumed after its temporary file was renamed over the target: nothing is
 * left to write, and the commit is done.
 */
class CommittedOutput implements DurableOutput {
  readonly existingBytes = 0
  readonly writesInPlace = false
  readonly keptBytes = 0
  readonly removedTemporaryFiles: readonly string[] = []

  constructor(
    readonly path: string,
    private readonly size: number,
    private readonly saved: SavedFileSink,
  ) {}

  write(_chunk: string, done: (error?: Error | null) => void): boolean {
    queueMicrotask(() => done(new Error(`${this.path} was committed already`)))
    return true
  }

  onDrain(): void {}

  onError(): void {}

  async writesDone(): Promise<void> {}

  get submittedBytes(): number {
    return this.size
  }

  /** What the checkpoint said: a later resume finds the target by the same inode. */
  get writingPath(): string {
    return this.saved.path
  }

  get ino(): number {
    return this.saved.ino
  }

  async syncPrefix(): Promise<void> {}

  async commit(): Promise<number> {
    return this.size
  }

  async discard(): Promise<void> {}
}
