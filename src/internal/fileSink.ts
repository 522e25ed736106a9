/**
 * The sink implementation `toCsv` and `toJson` build on: the output opened in `start`, records
 * formatted into ~64 KiB text chunks, backpressure from the write stream, the commit, and the
 * report's `file` or `stream` section.
 *
 * @internal
 * @packageDocumentation
 */
import type { Transform } from 'node:stream'
import { describeError, failure } from '../core/Failure.js'
import { RunError } from '../core/RunError.js'
import type { StageHandle } from './run/StageHandle.js'
import { FileOutput } from './fileOutput.js'
import type { FileSinkSettings } from './fileSinkTarget.js'
import { StreamOutput } from './streamOutput.js'
import type { SinkOutput } from './sinkOutput.js'
import type { SinkImpl } from './runSink.js'
import { checkpointsOf } from './checkpoint/Checkpointer.js'
import { currentRun } from './run/currentRun.js'
import { FileSinkCheckpoint } from './checkpoint/fileSinkCheckpoint.js'

/** Characters of formatted text per write. */
const CHUNK_CHARS = 64 * 1024

/** The `file` section of a file sink's report. @internal */
export interface FileSection {
  /** The absolute path of the target. */
  readonly path: string
  /** Bytes written to it by this run (its size after a commit; appended bytes in append mode). */
  readonly bytes: number
  /** Whether the target now holds this run's output. */
  readonly committed: boolean
  /**
   * Temporary files of this target left by earlier runs that were killed (their process no longer
   * exists), removed when this run opened the file. Present only when there were some.
   */
  readonly removedTemporaryFiles?: readonly string[]
}

/** The `stream` section of a sink writing to a stream. @internal */
export interface StreamSection {
  /** What the stream is called (`stdout`, a file stream's path). */
  readonly name: string
  /** Bytes the stream accepted from this run. */
  readonly bytes: number
  /** Whether the run completed (and ended the stream, when it owns its end). */
  readonly ended: boolean
}

/** How one file sink formats. @internal */
export interface FileFormat<A> {
  /**
   * Formats one record, with whatever separator it needs before it; throws (a
   * {@link RecordProblem}) for a record it cannot write. `index` is the 0-based number of the
   * record among those written so far.
   */
  readonly record: (record: A, index: number) => string
  /** Text before the first record; `existingBytes` is the file's size in append mode. */
  readonly start: (existingBytes: number) => string
  /** Text after the last record; `count` is how many were accepted. */
  readonly end: (count: number, existingBytes: number) => string
  /** A streamed rewrite at commit, if the format needs one (CSV columns appended late). */
  readonly rewrite?: () => (() => Transform) | undefined
  /** The format's state for a checkpoint (JSON), and its restoration when a run resumes. */
  readonly save?: () => unknown
  readonly restore?: (saved: unknown) => void
}

/**
 * A record the format cannot write, with the reason and details for its SinkError.
 *
 * @internal
 */
export class RecordProblem extends Error {
  constructor(
    readonly reason: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(reason)
  }
}

/**
 * Builds a file sink's implementation for runSink: the output opened in `start`, records
 * formatted into ~64 KiB text chunks, backpressure from the write stream (sources wait while it
 * drains), and the ledger — a record is uncommitted once its chunk reached the temporary file and
 * written when the file is committed (plain append mode: written once its chunk reached the file). A
 * record `format.record` throws for is a SinkError failure naming the file and the record's row
 * (1-based among the records the sink received), with the `details` of a {@link RecordProblem}.
 *
 * @internal
 */
export function fileSink<A>(
  stage: StageHandle,
  settings: FileSinkSettings,
  makeFormat: (output: SinkOutput) => FileFormat<A> | Promise<FileFormat<A>>,
): SinkImpl<A> {
  return new FileSink(stage, settings, makeFormat)
}

/** One run of a file sink. */
class FileSink<A> implements SinkImpl<A> {
  /** Records per chunk at most: half the run's high-water mark. */
  private readonly batchRecords: number
  /** Blocks the sources while the output drains. */
  private readonly drainToken = {}
  /** Blocks the sources until the file is open: records read meanwhile would only pile up. */
  private readonly openToken = {}
  private opening: Promise<SinkOutput> | undefined
  private output: SinkOutput | undefined
  private format: FileFormat<A> | undefined
  /** Formatted text not written yet, and how many records it holds. */
  private text = ''
  private pending = 0
  /** Records received, and records formatted (the others failed). */
  private received = 0
  private accepted = 0
  /** Records whose chunk reached the temporary file, written at the commit. */
  private uncommitted = 0
  /** Records in chunks handed to the output whose write is not done yet. */
  private inWrites = 0
  private blocked = false
  private committing: Promise<number | undefined> | undefined
  private unlisten: (() => void) | undefined
  /** With the checkpoint run option: saved at each checkpoint, restored on resume (checkpoint/). */
  private readonly checkpoint: FileSinkCheckpoint | undefined

  constructor(
    private readonly stage: StageHandle,
    private readonly settings: FileSinkSettings,
    private readonly makeFormat: (output: SinkOutput) => FileFormat<A> | Promise<FileFormat<A>>,
  ) {
    this.batchRecords = Math.max(1, Math.floor(stage.highWaterMark / 2))
    stage.block(this.openToken)
    // Made inside the run (runSink calls it there): the run's checkpoints, if it has any.
    this.checkpoint = FileSinkCheckpoint.of(checkpointsOf(currentRun()), settings, {
      flush: () => this.flush(),
      recordsInWrites: () => this.inWrites,
      counters: () => ({
        received: this.received,
        accepted: this.accepted,
        uncommitted: this.uncommitted,
      }),
      restoreCounters: (saved) => {
        ;({
          received: this.received,
          accepted: this.accepted,
          uncommitted: this.uncommitted,
        } = saved)
      },
      output: () => this.output,
      format: () => this.format,
      openFile: (extra) => FileOutput.open(settings.path, { ...settings, ...extra }),
    })
  }

  async start(): Promise<void> {
    this.opening = this.open()
    try {
      const out = await this.opening
      this.output = out
      this.section(0, false)
      out.onError((error) => {
        this.stage.fault(new RunError(error.message, undefined, { cause: error }))
      })
      this.format = await this.makeFormat(out)
      this.text = this.format.start(out.existingBytes)
      if (this.checkpoint?.resume(this.format) === true) this.text = ''
      this.unlisten = this.stage.onStall(() => this.flush())
    } finally {
      this.stage.unblock(this.openToken)
    }
  }

  write(record: A): void {
    this.received += 1
    let line: string
    try {
      line = (this.format as FileFormat<A>).record(record, this.accepted)
    } catch (error) {
      this.recordFailed(record, error)
      return
    }
    this.accepted += 1
    this.text += line
    this.pending += 1
    if (this.text.length >= CHUNK_CHARS || this.pending >= this.batchRecords) this.flush()
  }

  async end(): Promise<void> {
    const out = this.output as SinkOutput
    // A run resumed from the final checkpoint has the end in its file already.
    if (this.checkpoint?.resumedComplete !== true)
      this.text += (this.format as FileFormat<A>).end(this.accepted, out.existingBytes)
    this.flush()
    this.stopListening()
    await this.checkpoint?.beforeCommit()
    // An abort that arrives while the file closes keeps the earlier target: the rename is the commit.
    this.committing = out.commit(this.format?.rewrite?.(), () => !this.stage.stopped)
    const bytes = await this.committing
    if (bytes === undefined) {
      this.section(0, false)
      return
    }
    this.stage.commit(this.uncommitted)
    this.uncommitted = 0
    this.section(bytes, true)
  }

  async abort(): Promise<void> {
    this.stopListening()
    this.text = ''
    // Too late to abort a commit under way: let it finish (or fail and clean up) on its own.
    if (this.committing !== undefined) {
      await this.committing.catch(() => undefined)
      return
    }
    const out = this.output ?? (await this.opening?.catch(() => undefined))
    if (out === undefined) return
    if (this.checkpoint !== undefined && out instanceof FileOutput) {
      // A checkpoint under way still fsyncs its part of the file: decided only after it.
      await this.checkpoint.settled()
      // A saved checkpoint names the temporary file: it stays for a run with `resume: true`.
      if (this.checkpoint.keepOnStop) return void (await out.finish().catch(() => undefined))
    }
    await out.discard()
    // A stream the run stopped writing to was not ended by a completed run.
    this.section(out.keptBytes, out.writesInPlace && this.settings.stream === undefined)
  }

  /** The file (a temporary one, or the target in append mode), or the stream. */
  private open(): Promise<SinkOutput> {
    const { stream, stage, path, endStream } = this.settings
    if (stream === undefined) return this.checkpoint?.open() ?? FileOutput.open(path, this.settings)
    return Promise.resolve().then(
      () => new StreamOutput(stream, { stage, label: path, end: endStream === true }),
    )
  }

  private recordFailed(record: A, error: unknown): void {
    this.stage.failHere(
      failure('SinkError', {
        stage: this.settings.stage,
        reason: describeError(error),
        cause: error,
        record,
        location: { file: this.settings.path, row: this.received },
        ...(error instanceof RecordProblem && error.details !== undefined
          ? { details: error.details }
          : {}),
      }),
    )
  }

  /** Writes the text gathered so far as one chunk; the sources wait while the output drains. */
  private flush(): void {
    const output = this.output
    if (output === undefined || this.text === '' || this.stage.stopped) return
    const chunk = this.text
    const count = this.pending
    this.text = ''
    this.pending = 0
    this.stage.beginWork()
    const inPlace = output.writesInPlace
    this.inWrites += count
    const ready = output.write(chunk, (error) => {
      this.inWrites -= count
      this.stage.endWork()
      if (error === null || error === undefined) this.chunkWritten(count, inPlace)
    })
    if (!ready && !this.blocked) {
      this.blocked = true
      this.stage.block(this.drainToken)
      output.onDrain(() => {
        this.blocked = false
        this.stage.unblock(this.drainToken)
      })
    }
  }

  /** A chunk of `count` records reached the output. */
  private chunkWritten(count: number, inPlace: boolean): void {
    if (inPlace) this.stage.write(count)
    else {
      this.uncommitted += count
      this.stage.uncommitted(count)
    }
  }

  private stopListening(): void {
    this.stage.unblock(this.openToken)
    this.unlisten?.()
    this.unlisten = undefined
    if (this.blocked) {
      this.blocked = false
      this.stage.unblock(this.drainToken)
    }
  }

  private section(bytes: number, committed: boolean): void {
    if (this.settings.stream !== undefined) {
      this.stage.sections['stream'] = {
        name: this.settings.path,
        bytes,
        ended: committed,
      } satisfies StreamSection
      return
    }
    const removed = this.output?.removedTemporaryFiles ?? []
    this.stage.sections['file'] = {
      path: this.output?.path ?? this.settings.path,
      bytes,
      committed,
      ...(removed.length === 0 ? {} : { removedTemporaryFiles: removed }),
    } satisfies FileSection
  }
}
