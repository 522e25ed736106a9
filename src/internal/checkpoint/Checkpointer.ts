/**
 * The checkpoints of one run (the `checkpoint` and `resume` run options). The source calls
 * {@link Checkpointer.afterBatch} at each batch boundary with its position after that batch; when
 * a checkpoint is due, a barrier notes what it saves (every record the source emitted has an
 * outcome, is in an operator's saved state, has been handed to the file sink's temporary file, or
 * sits in the batch a webhook sink is filling), and while the source reads on the sink makes its
 * part durable (fsyncs the file; a webhook: its requests in flight are answered), the operators'
 * changes go to the journal, and then one `put` saves it all under the `state` key. The position
 * can therefore never run ahead of what the sink holds durably.
 *
 * A resumed run reads that checkpoint back before any record moves: the source's position (through
 * the run's `RunState`), the ledger and stage figures (so the report covers the whole run), the
 * operators' journal, and the sink's part (the temporary file, see fileSinkCheckpoint; a webhook's
 * batch numbering and batch being filled, see webhook/webhookCheckpoint).
 *
 * @internal
 * @packageDocumentation
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { describeError } from '../../core/Failure.js'
import type { RunOptions } from '../../core/RunOptions.js'
import type { ResumedFrom } from '../../core/RunReport.js'
import type { RunStateOptions } from '../../core/StateStore.js'
import { RunError } from '../../core/RunError.js'
import type { RunContext } from '../run/RunContext.js'
import { RunStop } from '../run/RunStop.js'
import {
  checkpointIn,
  isSavedFileSink,
  settledAt,
  type SavedCheckpoint,
  type SavedLedger,
  type SavedSink,
  type SavedStage,
} from './savedCheckpoint.js'
import { stagePut, type StagedPut } from '../state/stagedPut.js'
import { StateJournal, type JournalEntry } from './stateJournal.js'

/** A sink taking part in checkpoints: a file sink, or a webhook sink. @internal */
export interface SinkParticipant {
  /** An absolute path the journal goes beside: a file sink's target. */
  readonly target: string
  /**
   * The sink names what it sends after the logical run (a webhook's idempotency keys): the run
   * gets an id, saved before any record moves and the same across every resume.
   */
  readonly needsRunId?: boolean
  /** Hands the records buffered in memory to the file (a webhook: saves its batch being filled). */
  flush(): void
  /** Resolves once the writes (requests) under way are done: their records then settle. */
  writesDone(): Promise<void>
  /** Hands the buffered records to the sink and notes where it stands, synchronously. */
  barrier(): SinkBarrier
}

/** A sink at a checkpoint's barrier. @internal */
export interface SinkBarrier {
  /**
   * Records handed to the sink whose writes are not done yet (they settle when they are); a sink
   * that cannot say (a webhook) gives -1, and the checkpoint waits for a quiet run.
   */
  readonly records: number
  /** The sink's part of the checkpoint: what a resume needs. */
  readonly saved: SavedSink
  /** Waits for the sink's output up to the barrier to be durable. */
  durable(): Promise<void>
}

/** What a checkpoint notes at its barrier, before its files are made durable. */
interface Barrier {
  readonly final: boolean
  readonly ledger: SavedLedger
  readonly stages: Record<string, SavedStage>
  readonly sources: Record<string, unknown>
  readonly sink: SinkBarrier
  readonly changes: JournalEntry[]
}

/** An operator whose state checkpoints save. @internal */
export interface OperatorParticipant {
  /** What changed since the last save (JSON), or `undefined` for nothing. */
  save(): unknown
  /** Applies the changes saved by the checkpoints resumed from, oldest first. */
  restore(changes: readonly unknown[]): void
  /** Records the operator holds in custody, which its saved state covers. */
  held?(): number
}

/** What was found under the key when the run started. @internal */
interface Loaded {
  /** The document to keep beside the checkpoint: the last completed run's positions. */
  readonly base: Readonly<Record<string, unknown>>
  /** The checkpoint this run resumes from. */
  readonly resumed: SavedCheckpoint | undefined
  /** The logical run's id, when the sink asked for one (`SinkParticipant.needsRunId`). */
  readonly runId?: string
}

const DEFAULT_EVERY_RECORDS = 10_000

const checkpointers = new WeakMap<RunContext, Checkpointer>()

/** The checkpoints of `run`, if it takes any. @internal */
export function checkpointsOf(run: RunContext): Checkpointer | undefined {
  return checkpointers.get(run)
}

/**
 * Sets up the checkpoints of a run from its options (none without `checkpoint` or `resume`).
 * Problems with the options are reported by {@link Checkpointer.verify}, when the run starts.
 *
 * @internal
 */
export function startCheckpoints(run: RunContext, options: RunOptions): Checkpointer | undefined {
  if (options.checkpoint === undefined && options.resume !== true) return undefined
  const checkpointer = new Checkpointer(run, options)
  checkpointers.set(run, checkpointer)
  const positions = checkpointer.resumedPositions()
  // Awaited by the sources; a run that fails before they open must not leave it unhandled.
  positions.catch(() => undefined)
  run.state?.preferPositions(positions)
  return checkpointer
}

/** @internal */
export class Checkpointer {
  private readonly problems: string[] = []
  private readonly sources: string[] = []
  private readonly unable: string[] = []
  private sinkName: string | undefined
  private sink: SinkParticipant | undefined
  private readonly operators = new Map<string, OperatorParticipant>()
  private journal: StateJournal | undefined
  private readonly everyRecords: number
  private readonly everyMs: number | undefined
  private readAtLast = 0
  private lastAt = performance.now()
  private latest: unknown = undefined
  private readonly state: RunStateOptions | undefined
  /**
   * Resolves once the key was read (and, resuming, the checkpoint applied) — which starts only
   * once {@link verify} found every piece able to take part: a refused run touches nothing.
   */
  readonly loaded: Promise<Loaded>
  private startLoading: (loading: Promise<Loaded>) => void = () => undefined
  private readonly resume: boolean
  /**
   * A checkpoint of this run is saved (or it resumed from one): a stopped run keeps its files.
   * One still being taken counts once it is saved: a stopped run waits for it (`settled`).
   */
  saved = false
  /** The checkpoint being taken, if one is: the next waits for it. */
  private taking: Promise<void> | undefined
  /** Records in the file sink's temporary file at the checkpoint resumed from. */
  resumedUncommitted = 0

  constructor(
    private readonly run: RunContext,
    options: RunOptions,
  ) {
    this.state = options.state
    const every = options.checkpoint ?? {}
    this.everyMs = every.everyMs
    this.everyRecords =
      every.everyRecords ?? (every.everyMs === undefined ? DEFAULT_EVERY_RECORDS : Infinity)
    if (options.state === undefined)
      this.problems.push(
        'checkpoint and resume need the state option ({ store, key }): the checkpoint is kept there',
      )
    if (options.checkpoint === undefined)
      this.problems.push('resume needs the checkpoint option: a run resumes from its checkpoints')
    if (!(this.everyRecords > 0) || (this.everyMs !== undefined && !(this.everyMs > 0)))
      this.problems.push('checkpoint: everyRecords and everyMs must be positive')
    this.resume = options.resume === true
    this.loaded = new Promise<Loaded>((resolve) => {
      this.startLoading = resolve
    })
    // Read once, whatever happens: a failed read fails the run when a stage awaits it.
    this.loaded.catch(() => undefined)
    // A checkpoint under way when the run stops is finished first: the stopped run keeps it. A
    // run stopped before any checkpoint was saved leaves no journal behind.
    run.onStop(
      () =>
        void this.settled().then(() =>
          this.saved ? this.journal?.close() : this.journal?.remove(),
        ),
    )
  }

  // ---- who takes part -----------------------------------------------------------------------

  /** A source subscribed; `positions`: it gives a position with each batch. */
  registerSource(stage: string, positions: boolean): void {
    if (positions) this.sources.push(stage)
    else this.unable.push(stage)
  }

  registerSink(stage: string, participant: SinkParticipant): void {
    this.sinkName = stage
    this.sink = participant
  }

  registerOperator(stage: string, participant: OperatorParticipant): void {
    this.operators.set(stage, participant)
  }

  /** A stage that cannot be checkpointed: the run fails at start, naming it and why. */
  refuse(stage: string, reason: string): void {
    this.problems.push(`checkpoint: ${stage} ${reason}`)
  }

  /**
   * Checks, once the flow is subscribed, that every piece can be checkpointed; returns the error
   * to fail the run with, naming the pieces that cannot.
   */
  verify(sinkStage: string): Error | undefined {
    const problems = [...this.problems]
    for (const stage of this.unable)
      problems.push(
        `checkpoint: the source ${stage} cannot save a position (fromCsv of a plain UTF-8 file and fromJson of a plain NDJSON file can)`,
      )
    const sources = this.sources.length + this.unable.length
    if (sources > 1)
      problems.push(`checkpoint: the run has ${sources} sources; checkpoints support one`)
    if (this.sink === undefined)
      problems.push(
        `checkpoint: the sink ${sinkStage} cannot be checkpointed (toCsv and toJson to a file, not appending or gzipped, and toWebhook can)`,
      )
    if (this.run.policy?.kind === 'deadLetter')
      problems.push(
        'checkpoint: the deadLetter policy writes to a second sink, which checkpoints do not cover',
      )
    if (problems.length === 0) {
      this.startLoading(this.load(this.resume))
      return undefined
    }
    this.startLoading(Promise.resolve({ base: {}, resumed: undefined }))
    return new Error(`${this.run.settings.name}: ${[...new Set(problems)].join('; ')}`)
  }

  // ---- resuming -----------------------------------------------------------------------------

  private get key(): string {
    return (this.state as RunStateOptions).key
  }

  private async load(resume: boolean): Promise<Loaded> {
    const state = this.state as RunStateOptions
    let document: unknown
    try {
      document = await state.store.get(this.key)
    } catch (error) {
      throw new Error(
        `${this.run.settings.name}: cannot load the state ${JSON.stringify(this.key)}: ${describeError(error)}`,
        { cause: error },
      )
    }
    const { checkpoint: _, ...base } =
      typeof document === 'object' && document !== null
        ? (document as Record<string, unknown>)
        : { version: 1, positions: {} }
    const saved = checkpointIn(document, this.key)
    if (saved !== undefined && !resume) await discardFiles(saved)
    const resumed = saved !== undefined && resume ? await this.resumeFrom(saved) : undefined
    return { ...(await this.identify(base, resume)), resumed }
  }

  /** Applies the checkpoint `saved` to this run: the journal, the figures, the report section. */
  private async resumeFrom(saved: SavedCheckpoint): Promise<SavedCheckpoint> {
    if (this.sinkName === undefined || !(this.sinkName in saved.sinks))
      throw new Error(
        `${this.run.settings.name}: the checkpoint under ${JSON.stringify(this.key)} is of another sink (${Object.keys(saved.sinks).join(', ')}), not ${this.sinkName ?? 'this one'}; was the pipeline changed? Delete the key to start over`,
      )
    if (saved.final) await unlink(saved.journal.path).catch(() => undefined)
    else {
      const { journal, entries } = await StateJournal.resume(
        saved.journal.path,
        saved.journal.bytes,
      )
      this.journal = journal
      this.restoreOperators(entries)
      const missing = this.sources.filter((stage) => !(stage in saved.sources))
      if (missing.length > 0)
        throw new Error(
          `${this.run.settings.name}: the checkpoint under ${JSON.stringify(this.key)} has no position for the source ${missing.join(', ')}; was the pipeline changed? Delete the key to start over`,
        )
    }
    this.restoreFigures(saved)
    this.resumedUncommitted = saved.ledger.uncommitted
    this.saved = true
    this.run.sections['resumedFrom'] = {
      checkpointAt: saved.at,
      settled: settledAt(saved),
    } satisfies ResumedFrom
    if (saved.final && saved.statePositions !== undefined)
      this.run.state?.restoreReached(saved.statePositions)
    return saved
  }

  /**
   * The logical run's id, for a sink that asks for one: resuming, the id the state keeps (the same
   * for every resume of the run, checkpoint or not yet); otherwise a new one, saved before any
   * record moves, so a run killed before its first checkpoint resumes under it too. The state's
   * commit at the end of the run replaces it: the next run gets its own.
   */
  private async identify(
    base: Readonly<Record<string, unknown>>,
    resume: boolean,
  ): Promise<{ base: Readonly<Record<string, unknown>>; runId?: string }> {
    if (this.sink?.needsRunId !== true) return { base }
    const kept = (base['run'] as { id?: unknown } | undefined)?.id
    if (resume && typeof kept === 'string') return { base, runId: kept }
    const opened = { ...base, run: { id: randomUUID(), startedAt: new Date().toISOString() } }
    await this.put(opened)
    return { base: opened, runId: opened.run.id }
  }

  /** The source positions a resumed run starts from (undefined when not resuming). */
  async resumedPositions(): Promise<Readonly<Record<string, unknown>> | undefined> {
    return (await this.loaded).resumed?.sources
  }

  /** Whether the sources have nothing left to read: resumed from a final checkpoint. */
  async sourcesDone(): Promise<boolean> {
    return (await this.loaded).resumed?.final === true
  }

  /** The sink's part of the checkpoint resumed from, if any. */
  async resumedSink(stage: string): Promise<SavedSink | undefined> {
    return (await this.loaded).resumed?.sinks[stage]
  }

  /** The logical run's id, the same across its resumes (for a sink with `needsRunId`). */
  async runId(): Promise<string | undefined> {
    return (await this.loaded).runId
  }

  /** The files a resumed run must keep (the journal), so the sink's litter removal spares them. */
  async keptFiles(): Promise<string[]> {
    const resumed = (await this.loaded).resumed
    return resumed === undefined ? [] : [resumed.journal.path]
  }

  private restoreOperators(entries: readonly JournalEntry[]): void {
    const changes = new Map<string, unknown[]>()
    for (const entry of entries) {
      if (!this.operators.has(entry.stage))
        throw new Error(
          `${this.run.settings.name}: the checkpoint holds the state of a stage ${entry.stage} this pipeline does not have; was it changed? Delete the key to start over`,
        )
      const list = changes.get(entry.stage) ?? []
      list.push(entry.change)
      changes.set(entry.stage, list)
    }
    for (const [stage, list] of changes) this.operators.get(stage)?.restore(list)
  }

  /** Adds the checkpoint's figures to this run's: its report covers the whole logical run. */
  private restoreFigures(saved: SavedCheckpoint): void {
    const run = this.run
    run.ledger.addEarlier(saved.ledger)
    for (const stats of run.stages) {
      const figures = saved.stages[stats.name]
      if (figures !== undefined) stats.addEarlier(figures)
    }
    this.readAtLast = run.read
  }

  // ---- taking checkpoints -------------------------------------------------------------------

  /**
   * The source finished a batch and stands at `position`: takes a checkpoint if one is due.
   * Returns a promise when the source must wait for it; `undefined` when none is due, or when it
   * goes on in the background (below).
   *
   * When every record still open is in the file sink's writes under way (a pipeline of
   * synchronous stages), the checkpoint's barrier is here and now: the position, the counts, the
   * operators' changes and the file's length up to the last record handed to it are noted at
   * once, and the source goes on while the file's prefix is fsynced, the journal appended and the
   * state put — in that order, so the saved position is never ahead of the durable output. When
   * records are elsewhere in flight (an asynchronous stage), the source waits until the run is
   * quiet. One checkpoint is under way at a time.
   */
  afterBatch(position: unknown): Promise<void> | undefined {
    this.latest = position
    if (!this.due(1)) return undefined
    if (this.taking === undefined) return this.begin()
    // The disk is behind: this checkpoint is taken at a later boundary, once the one under way is
    // saved. The source waits for it only when it is a whole interval further on.
    if (!this.due(2)) return undefined
    return this.taking.then(() => this.begin())
  }

  /** Whether `intervals` intervals passed since the last checkpoint was due. */
  private due(intervals: number): boolean {
    return (
      this.run.read - this.readAtLast >= intervals * this.everyRecords ||
      (this.everyMs !== undefined && performance.now() - this.lastAt >= intervals * this.everyMs)
    )
  }

  /** Starts a checkpoint at the source's position: at a barrier if it can, else once quiet. */
  private begin(): Promise<void> | undefined {
    const barrier = this.barrier(false, true)
    if (barrier === undefined) return this.track(this.take(false))
    this.track(this.complete(barrier)).catch((error: unknown) => {
      this.run.stop(
        new RunStop(
          'failed',
          error instanceof RunError
            ? error
            : new RunError(describeError(error), undefined, { cause: error }),
        ),
      )
    })
    return undefined
  }

  /**
   * The input ended and the output is complete: a final checkpoint before the commit, so that a
   * run killed during the commit is finished by its resume without reading anything again. The
   * journal is no longer needed after it.
   */
  async beforeCommit(): Promise<void> {
    await this.taking
    await this.track(this.take(true))
    await this.journal?.remove()
  }

  /** Resolves once no checkpoint is under way (whether the last one succeeded or not). */
  async settled(): Promise<void> {
    while (this.taking !== undefined) await this.taking.catch(() => undefined)
  }

  private track(taking: Promise<void>): Promise<void> {
    const tracked = taking.finally(() => {
      if (this.taking === tracked) this.taking = undefined
    })
    this.taking = tracked
    return tracked
  }

  /** A checkpoint after waiting for the run to be quiet: nothing open, nothing in writes. */
  private async take(final: boolean): Promise<void> {
    await this.loaded
    await this.quiet(this.sink as SinkParticipant)
    await this.complete(this.barrier(final, false) as Barrier)
  }

  /**
   * Notes, synchronously, what the checkpoint saves. With `exact`, only when every open record is
   * in the sink's writes under way (they count as in the file: its part up to here is made
   * durable before the save); `undefined` otherwise.
   */
  private barrier(final: boolean, exact: boolean): Barrier | undefined {
    const run = this.run
    const sink = (this.sink as SinkParticipant).barrier()
    if (exact && run.ledger.open !== sink.records) return undefined
    let saved = 0
    for (const operator of this.operators.values()) saved += operator.held?.() ?? 0
    if (run.ledger.held !== saved)
      throw new Error(
        `${run.settings.name}: checkpoint: ${run.ledger.held - saved} records are in a stage's custody, which checkpoints cannot save`,
      )
    const barrier: Barrier = {
      final,
      ledger: {
        read: run.read,
        created: run.created,
        written: run.written,
        dropped: run.dropped,
        droppedByReason: run.ledger.droppedByReason,
        merged: run.merged,
        failed: run.failed,
        uncommitted: run.ledger.uncommitted + (exact ? sink.records : 0),
        held: run.ledger.held,
      },
      stages: stageFigures(run),
      sources: Object.fromEntries(this.sources.map((stage) => [stage, this.latest])),
      sink,
      changes: final ? [] : this.changes(),
    }
    // The next falls due a whole interval after this one was due, even if this one came late.
    this.readAtLast = Math.min(run.read, this.readAtLast + this.everyRecords)
    this.lastAt = performance.now()
    return barrier
  }

  /**
   * Saves the checkpoint: the state document is staged (fileStateStore: its temporary file written
   * and fsynced) while the file's prefix and the journal are made durable, and committed (the
   * rename) only once they are. A checkpoint's commit need not be durable itself — a power cut
   * that undoes it leaves the previous checkpoint, consistent with the files, which only grew —
   * except the final one, which the output's commit relies on.
   */
  private async complete(barrier: Barrier): Promise<void> {
    const { base } = await this.loaded
    const sink = this.sink as SinkParticipant
    const journal = (this.journal ??= StateJournal.fresh(journalPathFor(sink.target)))
    const appended = barrier.final ? undefined : journal.append(barrier.changes)
    const run = this.run
    const checkpoint: SavedCheckpoint = {
      version: 1,
      at: new Date().toISOString(),
      final: barrier.final,
      ledger: barrier.ledger,
      stages: barrier.stages,
      sources: barrier.sources,
      sinks: { [this.sinkName as string]: barrier.sink.saved },
      journal: { path: journal.path, bytes: appended?.bytes ?? journal.bytes },
      ...(barrier.final && run.state !== undefined
        ? { statePositions: run.state.reachedNow() }
        : {}),
    }
    const state = this.state as RunStateOptions
    let staged: StagedPut
    try {
      staged = stagePut(state.store, this.key, { ...base, checkpoint }, { durable: barrier.final })
    } catch (error) {
      throw this.saveFailed(error)
    }
    try {
      await Promise.all([
        barrier.sink.durable(),
        appended?.durable,
        staged.ready.catch((error: unknown) => Promise.reject(this.saveFailed(error))),
      ])
    } catch (error) {
      await staged.abandon()
      throw error
    }
    try {
      await staged.commit()
    } catch (error) {
      throw this.saveFailed(error)
    }
    this.saved = true
  }

  private saveFailed(error: unknown): Error {
    return new Error(
      `${this.run.settings.name}: saving the checkpoint under ${JSON.stringify(this.key)} failed: ${describeError(error)}`,
      { cause: error },
    )
  }

  /** One atomic write of the state document; an error naming the key if it fails. */
  private async put(document: Readonly<Record<string, unknown>>): Promise<void> {
    const state = this.state as RunStateOptions
    try {
      await state.store.put(this.key, document)
    } catch (error) {
      throw this.saveFailed(error)
    }
  }

  private changes(): JournalEntry[] {
    const entries: JournalEntry[] = []
    for (const [stage, operator] of this.operators) {
      const change = operator.save()
      if (change !== undefined) entries.push({ stage, change })
    }
    return entries
  }

  /**
   * Waits until no record is open: each has an outcome, is in the sink's file, or in an
   * operator's saved state. Records in flight in an asynchronous stage finish first; records that
   * never settle (a plain rxjs operator holding them) fail the run after `stallTimeoutMs`.
   */
  private async quiet(sink: SinkParticipant): Promise<void> {
    const run = this.run
    const deadline = performance.now() + Math.max(1_000, run.settings.stallTimeoutMs)
    for (;;) {
      sink.flush()
      // Waits for the disk, not in a busy loop: the records of a write settle when it is done.
      await sink.writesDone()
      if (run.ledger.open <= 0) return
      if (run.stopped !== undefined) throw run.stopped.error
      if (performance.now() > deadline)
        throw new Error(
          `${run.settings.name}: checkpoint: ${run.ledger.open} records did not settle; a plain rxjs operator that holds records (wrap it with rx) cannot be checkpointed`,
        )
      // Records still in an asynchronous stage (a lookup, a request): look again shortly.
      await new Promise<void>((resolve) => setTimeout(resolve, 1))
    }
  }
}

function stageFigures(run: RunContext): Record<string, SavedStage> {
  const figures: Record<string, SavedStage> = {}
  for (const stats of run.stages)
    figures[stats.name] = {
      in: stats.in,
      out: stats.out,
      dropped: stats.dropped,
      failed: stats.failed,
      created: stats.created,
      merged: stats.merged,
      held: stats.held,
    }
  return figures
}

/**
 * The journal beside the target, named as the file sinks name their temporary files, so a later
 * run of the same target removes it if the process that wrote it was killed and never resumed.
 */
function journalPathFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  )
}

/** A run that does not resume removes the files of the checkpoint it replaces. */
async function discardFiles(saved: SavedCheckpoint): Promise<void> {
  const files = Object.values(saved.sinks).filter(isSavedFileSink)
  const paths = [saved.journal.path, ...files.map((sink) => sink.path)]
  await Promise.all(paths.map((path) => unlink(path).catch(() => undefined)))
}
