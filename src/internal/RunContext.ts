/**
 * The run context: the ledger (who holds which record, and what became of each), the stages, the
 * failure policy and the hooks of one run. Stages reach it through an AsyncLocalStorage that the
 * sink enters when it subscribes, so a stage that subscribes to its input later (after a timer, a
 * promise, a lookup table's load) still finds its run.
 *
 * @internal
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Failure, Location } from '../core/Failure.js'
import type { RunReport, RunStatus, StageReport } from '../core/RunReport.js'
import type { RunHooks } from '../core/RunOptions.js'
import { failure as makeFailure, describeError } from '../core/Failure.js'
import { RunError } from '../core/RunError.js'
import { BusyClock } from './busyTime.js'
import type { RunState } from './runState.js'

/** What a policy operator registers with the run. @internal */
export type PolicyConfig =
  | { readonly kind: 'collect'; readonly maxFailures?: number }
  | { readonly kind: 'failFast' }
  | {
      readonly kind: 'deadLetter'
      readonly maxFailures?: number
      /** Starts the dead-letter run; returns a push function, a finish function and the run. */
      readonly open: () => DeadLetterChannel
    }

/** @internal */
export interface DeadLetterChannel {
  readonly push: (failure: Failure) => void
  /** Completes the dead-letter flow and waits for its sink. */
  readonly finish: () => Promise<RunReport | undefined>
}

/** Why a run stopped early. @internal */
export class RunStop {
  constructor(
    readonly status: Exclude<RunStatus, 'completed'>,
    readonly error: Error,
  ) {}
}

/** Mutable statistics of one stage. @internal */
export class StageStats {
  in = 0
  out = 0
  dropped = 0
  failed = 0
  created = 0
  merged = 0
  /** Of the records inside this stage, how many it has taken into custody (the run's `held`). */
  held = 0
  /** Records a downstream stage's early completion left inside this stage (counted in `dropped`). */
  cancelled = 0
  details: Record<string, unknown> | undefined = undefined
  /** Time spent in the stage's own handlers and awaited work. */
  readonly busy = new BusyClock()
  private readonly started = performance.now()
  private finished: number | undefined = undefined
  constructor(
    readonly name: string,
    readonly kind: StageReport['kind'],
    readonly depth: number,
    readonly order: number,
  ) {}

  finish(): void {
    if (this.finished === undefined) this.finished = performance.now()
  }

  /** Records inside this stage: received or made, with no outcome in this stage yet. */
  remainder(): number {
    return this.in + this.created - this.out - this.dropped - this.merged - this.failed
  }

  /** The run stopped: records still inside this stage were dropped by the stop. */
  dropRemainder(): void {
    const remainder = this.remainder()
    if (remainder > 0) this.dropped += remainder
  }

  get isFinished(): boolean {
    return this.finished !== undefined
  }

  toReport(): StageReport {
    const wall = Math.round((this.finished ?? performance.now()) - this.started)
    const busy = this.busy.ms
    return {
      name: this.name,
      kind: this.kind,
      in: this.in,
      out: this.out,
      dropped: this.dropped,
      failed: this.failed,
      created: this.created,
      merged: this.merged,
      ...(this.cancelled > 0 ? { cancelled: this.cancelled } : {}),
      ...(busy === undefined ? {} : { busyMs: Math.round(busy) }),
      wallMs: wall,
      durationMs: wall,
      ...(this.details === undefined ? {} : { details: this.details }),
    }
  }
}

/** The outcomes a record can have. @internal */
export type Outcome = 'written' | 'dropped' | 'merged' | 'failed'

/** @internal */
export interface RunSettings {
  readonly name: string
  readonly highWaterMark: number
  readonly highWaterBytes: number
  readonly failureCap: number
  readonly stallTimeoutMs: number
  readonly hooks: RunHooks
}

/**
 * The ledger and everything else a run's stages share.
 *
 * Budget: `open` counts records read or created whose outcome is not known and that no stage has
 * taken into custody. Sources pull only while `open` is under the high-water mark and no stage
 * asks them to wait. A stage that keeps records until its input ends takes them into custody
 * (`hold`): their budget is released, their outcome recorded later.
 *
 * @internal
 */
export class RunContext {
  readonly startedAt = new Date()
  read = 0
  created = 0
  written = 0
  dropped = 0
  merged = 0
  failed = 0
  readonly droppedByReason: Record<string, number> = {}
  open = 0
  held = 0
  /**
   * Records written to a destination that becomes visible only when it is committed (a temporary
   * file renamed at the end). They are out of memory, so they neither use budget nor count as in
   * flight; their outcome comes at the commit (`commit`) or, if it never happens, at the report.
   */
  uncommitted = 0
  maxInFlight = 0
  private bytesPerRecord = 0
  readonly failures: Failure[] = []
  failuresOmitted = 0
  /** Records that failed in this run's branches (`fanOut`, `route`): the policy counts them too. */
  private branchFailures = 0
  private readonly stageList: StageStats[] = []
  policy: PolicyConfig | undefined = undefined
  private deadLetterChannel: DeadLetterChannel | undefined = undefined
  /** Set once the run stops early; stages check it to stop work. */
  stopped: RunStop | undefined = undefined
  private readonly stopController = new AbortController()
  /** Aborts when the run stops early: sinks and stages pass it to work that may block. */
  readonly signal: AbortSignal = this.stopController.signal
  private readonly stopListeners: Array<(stop: RunStop) => void> = []
  private waiters: Array<() => void> = []
  private readonly blockers = new Set<object>()
  private readonly stallListeners: Array<() => void> = []
  private lastProgress = performance.now()
  /**
   * Units of asynchronous work in flight (lookups, requests, a sink's writes): a run with work in
   * flight is given more patience before it counts as stalled, not unlimited patience.
   */
  private working = 0
  /** The input of the sink completed: records still open can only be settled by work in flight. */
  private ending = false
  /** The watchdog: checks for a stall, and keeps the process alive while the run is in progress. */
  private watchdog: NodeJS.Timeout | undefined = undefined
  /** Hooks that returned a promise not settled yet. */
  private readonly pendingHooks = new Set<Promise<void>>()
  readonly sections: Record<string, unknown> = {}
  /**
   * The stage whose handler runs now (set by the stage machinery): what it takes into or out of
   * custody is its own, so that records it still holds when it is cancelled are found.
   */
  activeStage: StageStats | undefined = undefined
  /** A stage takes its input from plain rxjs code: records may enter the run there. */
  countsEntries = false
  /** Values PowerFlow flows passed to plain rxjs code, once `countsEntries`. */
  private toPlain = 0
  /** Values that reached PowerFlow stages from plain rxjs code. */
  private fromPlain = 0
  /** Of those, how many were new records, counted as read where they entered. */
  private entered = 0
  /**
   * The record a source is emitting now — or the record a one-to-one stage made from it — and
   * where it came from: failures raised about that very record (by identity) get its file and line.
   */
  private current: unknown = undefined
  private currentLocate: ((index: number) => Location) | undefined = undefined
  private currentIndex = 0
  /** The `state` run option: sources read their saved positions here and say what they reach. */
  state: RunState | undefined = undefined

  constructor(readonly settings: RunSettings) {}

  // ---- where records come from --------------------------------------------------------------

  /** A source is about to emit `record`, item `index` of a batch that `locate` can place. */
  emitting(
    record: unknown,
    locate: ((index: number) => Location) | undefined,
    index: number,
  ): void {
    this.current = record
    this.currentLocate = locate
    this.currentIndex = index
  }

  /** A one-to-one stage turned the current record `from` into `to`: `to` comes from the same place. */
  derived(from: unknown, to: unknown): void {
    if (from === this.current && from !== undefined) this.current = to
  }

  /** Where `record` came from, if it is the record being emitted now (or made from it). */
  locationOf(record: unknown): Location | undefined {
    if (record === undefined || record !== this.current || this.currentLocate === undefined)
      return undefined
    return this.currentLocate(this.currentIndex)
  }

  // ---- stages -------------------------------------------------------------------------------

  /** Registers a stage when it subscribes; calls the `preStage` hook. */
  stage(name: string, kind: StageReport['kind'], depth: number): StageStats {
    const stats = new StageStats(name, kind, depth, this.stageList.length)
    this.stageList.push(stats)
    this.callHook('preStage', () => this.settings.hooks.preStage?.({ name, kind }))
    return stats
  }

  /**
   * Marks a stage's output complete, or the stage unsubscribed; calls the `postStage` hook. A
   * stage that ends while records are still inside it, in a run that has not stopped, was
   * unsubscribed by a downstream stage that completed early (`take`): those records are settled,
   * in the stage and in the run, as dropped with reason `cancelled`.
   */
  finishStage(stats: StageStats): void {
    if (stats.isFinished) return
    if (this.stopped === undefined) this.cancel(stats)
    stats.finish()
    this.callHook('postStage', () => this.settings.hooks.postStage?.(stats.toReport()))
  }

  private cancel(stats: StageStats): void {
    const remainder = stats.remainder()
    if (remainder <= 0) return
    stats.dropped += remainder
    stats.cancelled += remainder
    const fromHeld = Math.min(remainder, stats.held, this.held)
    this.settle('dropped', fromHeld, 'cancelled', true, stats)
    this.settle('dropped', Math.min(remainder - fromHeld, this.open), 'cancelled', false, stats)
  }

  get stages(): readonly StageStats[] {
    return [...this.stageList].sort((a, b) => a.depth - b.depth || b.order - a.order)
  }

  // ---- the ledger ---------------------------------------------------------------------------

  /** Records emitted by a source. `bytes` (optional) is their approximate size in memory. */
  noteRead(count: number, bytes = 0): void {
    this.read += count
    this.addOpen(count)
    if (bytes > 0) this.bytesPerRecord = this.bytesPerRecord * 0.9 + (bytes / count) * 0.1
  }

  /** A PowerFlow flow passed a value to plain rxjs code. */
  leftToPlain(): void {
    this.toPlain += 1
  }

  /**
   * A value reached a stage from plain rxjs code. More values coming out of plain code than
   * PowerFlow flows put into it are records that enter the run there: this one is counted as
   * read, and the answer is true.
   */
  arrivedFromPlain(): boolean {
    this.fromPlain += 1
    if (this.fromPlain - this.entered <= this.toPlain) return false
    this.entered += 1
    this.noteRead(1)
    return true
  }

  /** Records made by an operator. */
  noteCreated(count: number): void {
    this.created += count
    this.addOpen(count)
  }

  /**
   * Takes records into custody: their budget is released, their outcome comes later. They are
   * `stage`'s (default: the stage whose handler runs now).
   */
  hold(count: number, stage: StageStats | undefined = this.activeStage): void {
    this.open -= count
    this.held += count
    if (stage !== undefined) stage.held += count
    this.progress()
  }

  /** Gives records out of custody again (for example dedupe's kept records at the end). */
  release(count: number, stage: StageStats | undefined = this.activeStage): void {
    this.held -= count
    if (stage !== undefined) stage.held -= count
    this.addOpen(count)
  }

  /** Records read or created whose outcome is not recorded yet (open, in custody, uncommitted). */
  unsettled(): number {
    return this.open + this.held + this.uncommitted
  }

  /** Open records reached a destination that is committed later: see `uncommitted`. */
  holdUncommitted(count: number): void {
    this.open -= count
    this.uncommitted += count
    this.progress()
  }

  /** The destination was committed: `count` uncommitted records are written. */
  commit(count: number): void {
    if (count <= 0) return
    this.uncommitted -= count
    this.open += count
    this.settle('written', count)
  }

  /**
   * Records the outcome of `count` records, open ones or (with `fromHeld`) ones in `stage`'s
   * custody (default: the stage whose handler runs now).
   */
  settle(
    outcome: Outcome,
    count: number,
    reason?: string,
    fromHeld = false,
    stage: StageStats | undefined = this.activeStage,
  ): void {
    if (count <= 0) return
    if (fromHeld) {
      this.held -= count
      if (stage !== undefined) stage.held -= count
    } else this.open -= count
    switch (outcome) {
      case 'written':
        this.written += count
        break
      case 'merged':
        this.merged += count
        break
      case 'failed':
        this.failed += count
        break
      case 'dropped': {
        const key = reason ?? 'dropped'
        this.dropped += count
        this.droppedByReason[key] = (this.droppedByReason[key] ?? 0) + count
        break
      }
    }
    this.progress()
  }

  private addOpen(count: number): void {
    this.open += count
    // In flight means under the budget: records in custody are each holding stage's own figure.
    if (this.open > this.maxInFlight) this.maxInFlight = this.open
  }

  private progress(): void {
    // Only a waiting source reads the time of the last progress (the stall check): reading the
    // clock on every settle costs more than the rest of the ledger's bookkeeping.
    if (this.waiters.length === 0) {
      if (this.ending) this.lastProgress = performance.now()
      return
    }
    this.lastProgress = performance.now()
    if (this.hasCapacity()) {
      const waiters = this.waiters
      this.waiters = []
      for (const wake of waiters) wake()
    }
  }

  /** Whether a source may emit another record now. */
  hasCapacity(): boolean {
    if (this.blockers.size > 0) return false
    if (this.open >= this.settings.highWaterMark) return false
    if (this.bytesPerRecord > 0 && this.open * this.bytesPerRecord >= this.settings.highWaterBytes)
      return false
    return true
  }

  /**
   * Resolves when a source may emit again. Tells stall listeners (batching sinks flush then); the
   * watchdog stops the run if nothing settles for too long (see {@link startWatchdog}).
   */
  capacity(): Promise<void> {
    for (const listener of this.stallListeners) listener()
    if (this.hasCapacity() || this.stopped !== undefined) return Promise.resolve()
    // Progress is timed from here on (see progress()).
    if (this.waiters.length === 0) this.lastProgress = performance.now()
    return new Promise<void>((resolve) => this.waiters.push(resolve))
  }

  /**
   * Starts the watchdog of a run in progress. Its timer is not `unref`'d: a run keeps the process
   * alive until it settles. While a source waits for budget, or the sink's input has ended and
   * records are still open, the run must make progress (a record settled, a unit of work
   * finished): after `stallTimeoutMs` without any — or {@link IN_FLIGHT_PATIENCE} times that (at
   * least 1 s) while work is in flight (a request, a lookup, a sink's write) — it stops as stalled. Records that
   * vanish inside a plain rxjs operator, or a write that never settles, end the run this way
   * rather than hang it or let the process exit with nothing said.
   */
  startWatchdog(): void {
    if (this.watchdog !== undefined) return
    this.armWatchdog(this.settings.stallTimeoutMs)
  }

  /** Stops the watchdog: the run settled. */
  stopWatchdog(): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog)
    this.watchdog = undefined
  }

  /** The sink's input completed: from now on open records must settle through work in flight. */
  inputEnded(): void {
    this.ending = true
    this.lastProgress = performance.now()
  }

  private armWatchdog(ms: number): void {
    this.watchdog = setTimeout(() => this.checkStall(), timerDelay(Math.max(10, ms)))
  }

  private checkStall(): void {
    this.watchdog = undefined
    if (this.stopped !== undefined) {
      // Stopped, not settled yet (the sink is cleaning up): the process stays alive till then.
      this.armWatchdog(this.settings.stallTimeoutMs)
      return
    }
    const waiting = this.waiters.length > 0 || (this.ending && this.open > 0)
    if (!waiting || this.blockers.size > 0) {
      this.armWatchdog(this.settings.stallTimeoutMs)
      return
    }
    const patience =
      this.working > 0
        ? Math.max(this.settings.stallTimeoutMs * IN_FLIGHT_PATIENCE, MIN_IN_FLIGHT_PATIENCE_MS)
        : this.settings.stallTimeoutMs
    const idle = performance.now() - this.lastProgress
    if (idle < patience) {
      this.armWatchdog(patience - idle)
      return
    }
    const waited = Math.round(idle)
    const reason =
      this.working > 0
        ? `${this.working} units of work in flight (a request, a lookup, a sink's write) have not finished and no record settled for ${waited} ms. ` +
          'A write or lookup that never settles stalls the run; give it a timeout, or listen to its AbortSignal.'
        : `${this.open} records were read but never settled for ${waited} ms. ` +
          'A plain rxjs operator that drops or holds records must be wrapped with rx(operator) so PowerFlow can account for them.'
    this.armWatchdog(this.settings.stallTimeoutMs)
    this.stop(new RunStop('failed', new RunError(`${this.settings.name}: stalled — ${reason}`)))
  }

  /** A stage started asynchronous work (a lookup, a request): the run is busy, not stalled. */
  beginWork(): void {
    this.working += 1
  }

  endWork(): void {
    this.working -= 1
    this.lastProgress = performance.now()
  }

  /** Makes sources wait until `unblock(token)`, such as while a file stream drains. */
  block(token: object): void {
    this.blockers.add(token)
  }

  unblock(token: object): void {
    if (this.blockers.delete(token)) this.progress()
  }

  /** Called whenever a source is about to wait for capacity. */
  onStall(listener: () => void): () => void {
    this.stallListeners.push(listener)
    return () => {
      const index = this.stallListeners.indexOf(listener)
      if (index >= 0) this.stallListeners.splice(index, 1)
    }
  }

  // ---- failures and the policy --------------------------------------------------------------

  /** Registers the run's policy; a second one is an error. */
  setPolicy(policy: PolicyConfig): void {
    if (this.policy !== undefined)
      throw new Error(
        `${this.settings.name}: two failure policies in one run (${this.policy.kind} and ${policy.kind}); a run has one policy`,
      )
    this.policy = policy
    if (policy.kind === 'deadLetter') this.deadLetterChannel = policy.open()
  }

  /**
   * A record ended as a failure: counts it, keeps it for the report, and applies the policy.
   * Records in custody pass `fromHeld`.
   */
  fail(failure: Failure, fromHeld = false): void {
    this.settle('failed', 1, undefined, fromHeld)
    // The report, the hooks and the dead-letter sink share this value: none may change it for the
    // others. (The offending record is the user's and stays as it is.)
    freezeFailure(failure)
    this.keep(failure)
    this.callHook('onFailure', () => this.settings.hooks.onFailure?.(failure))
    this.applyPolicy(failure)
  }

  /**
   * A record failed in a branch of this run (`fanOut`, `route`): the branch's report counts it,
   * this run keeps it (its `details.branch` names the branch) and applies its policy to it.
   */
  branchFailed(branch: string, failure: Failure): void {
    const inner = failure.details?.['branch']
    const named: Failure = {
      ...failure,
      details: {
        ...failure.details,
        branch: typeof inner === 'string' ? `${branch}/${inner}` : branch,
      },
    }
    freezeFailure(named)
    this.branchFailures += 1
    this.keep(named)
    this.callHook('onFailure', () => this.settings.hooks.onFailure?.(named))
    this.applyPolicy(named)
  }

  /** Applies the run's policy to a failure just counted (a branch run hands it to its parent). */
  protected applyPolicy(failure: Failure): void {
    const policy = this.policy
    if (policy?.kind === 'failFast') {
      this.stop(new RunStop('failed', new RunError(failure.message, failure)))
      return
    }
    if (policy?.kind === 'deadLetter') this.deadLetterChannel?.push(failure)
    const max = policy?.maxFailures
    if (max !== undefined && this.failed + this.branchFailures > max)
      this.stop(
        new RunStop(
          'failed',
          new RunError(
            `${this.settings.name}: more than ${max} failures (maxFailures); the last: ${failure.message}`,
            failure,
          ),
        ),
      )
  }

  /** Adds a failure to the report without counting a record (hook errors, warnings). */
  keep(failure: Failure): void {
    if (this.failures.length < this.settings.failureCap) this.failures.push(failure)
    else this.failuresOmitted += 1
  }

  /** Finishes the dead-letter run, if any, and returns its report. */
  async finishDeadLetter(): Promise<RunReport | undefined> {
    const channel = this.deadLetterChannel
    this.deadLetterChannel = undefined
    return channel === undefined ? undefined : channel.finish()
  }

  // ---- stopping -----------------------------------------------------------------------------

  /** Stops the run early (fail-fast, maxFailures, abort, an infrastructure error). First wins. */
  stop(stop: RunStop): void {
    if (this.stopped !== undefined) return
    this.stopped = stop
    this.stopController.abort(stop.error)
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
    for (const listener of this.stopListeners) listener(stop)
  }

  onStop(listener: (stop: RunStop) => void): void {
    this.stopListeners.push(listener)
  }

  // ---- hooks --------------------------------------------------------------------------------

  /**
   * Runs a hook; one that throws, or returns a promise that rejects, is reported as a HookError
   * and changes nothing else. A hook's promise is not awaited by the stages (hooks observe, they
   * do not hold the run up), but the run waits for it before it settles: see {@link settleHooks}.
   */
  callHook(hook: keyof RunHooks, call: () => void | Promise<void>): void {
    let returned: void | Promise<void>
    try {
      returned = call()
    } catch (error) {
      this.hookFailed(hook, 'threw', error)
      return
    }
    if (!isPromiseLike(returned)) return
    const pending: Promise<void> = Promise.resolve(returned).then(
      () => {
        this.pendingHooks.delete(pending)
      },
      (error: unknown) => {
        this.pendingHooks.delete(pending)
        this.hookFailed(hook, 'rejected', error)
      },
    )
    this.pendingHooks.add(pending)
  }

  /**
   * Waits for the hooks' promises still pending, at most `patienceMs`: a hook that never settles
   * is reported as a HookError and left behind.
   */
  async settleHooks(patienceMs: number): Promise<void> {
    if (this.pendingHooks.size === 0) return
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timerDelay(patienceMs))
    })
    while (this.pendingHooks.size > 0) {
      const outcome = await Promise.race([Promise.all(this.pendingHooks), late])
      if (outcome === 'late') {
        this.keep(
          makeFailure('HookError', {
            stage: this.settings.name,
            reason: `${this.pendingHooks.size} hook promises had not settled ${Math.round(patienceMs)} ms after the run ended; the run did not wait for them`,
          }),
        )
        this.pendingHooks.clear()
      }
    }
    clearTimeout(timer)
  }

  private hookFailed(hook: keyof RunHooks, how: 'threw' | 'rejected', error: unknown): void {
    this.keep(
      makeFailure('HookError', {
        stage: this.settings.name,
        reason: `hook ${hook} ${how}: ${describeError(error)}`,
        cause: error,
      }),
    )
  }

  // ---- the report ---------------------------------------------------------------------------

  /**
   * Closes the books: whatever is still open, in custody or uncommitted is dropped — with reason `aborted` when
   * the run stopped early, or `unaccounted` (with a LedgerWarning) when it completed, which only
   * happens when a plain rxjs operator lost records. When the run stopped early, each stage also
   * counts the records still inside it as dropped, so every stage's figures add up.
   */
  report(status: RunStatus): RunReport {
    this.activeStage = undefined
    for (const stats of this.stageList) {
      // A stopped run's stages balance too: what was inside a stage is dropped, as in the ledger.
      if (status !== 'completed') stats.dropRemainder()
      // Every stage gets its postStage once: a stage still going when the run stopped, here.
      this.finishStage(stats)
    }
    if (this.open < 0) {
      // More outcomes than records read or created: records entered where nothing counted them.
      const uncounted = -this.open
      this.read += uncounted
      this.open = 0
      this.keep(
        makeFailure('LedgerWarning', {
          stage: this.settings.name,
          reason: `${uncounted} records entered the run from a plain Observable where PowerFlow could not count them, and are counted as read at the end; wrap the Observable with fromObservable(observable)`,
        }),
      )
    }
    const leftover = this.unsettled()
    if (leftover > 0) {
      const reason = status === 'completed' ? 'unaccounted' : 'aborted'
      if (status === 'completed')
        this.keep(
          makeFailure('LedgerWarning', {
            stage: this.settings.name,
            reason: `${leftover} records vanished inside a plain rxjs operator; wrap it with rx(operator) to account for them`,
          }),
        )
      this.settle('dropped', this.open, reason)
      this.settle('dropped', this.held, reason, true)
      this.open += this.uncommitted
      this.settle('dropped', this.uncommitted, reason)
      this.uncommitted = 0
    }
    const finished = new Date()
    return {
      name: this.settings.name,
      status,
      read: this.read,
      written: this.written,
      dropped: this.dropped,
      droppedByReason: { ...this.droppedByReason },
      failed: this.failed,
      failures: [...this.failures],
      failuresOmitted: this.failuresOmitted,
      created: this.created,
      merged: this.merged,
      stages: this.stages.map((stats) => stats.toReport()),
      startedAt: this.startedAt.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - this.startedAt.getTime(),
      maxInFlight: this.maxInFlight,
      ...this.sections,
    }
  }
}

/**
 * Node fires a timer whose delay exceeds 2^31 - 1 ms (Infinity included) after 1 ms, with a
 * warning on stderr: a long or infinite stall timeout would check every millisecond.
 */
function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) return 2_147_483_647
  return Math.min(ms, 2_147_483_647)
}

/** How many times `stallTimeoutMs` a run with work in flight may go without progress. @internal */
export const IN_FLIGHT_PATIENCE = 10

/** The least patience for work in flight, however small `stallTimeoutMs` is. @internal */
export const MIN_IN_FLIGHT_PATIENCE_MS = 1_000

function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

function freezeFailure(failure: Failure): void {
  if (Object.isFrozen(failure)) return
  if (failure.location !== undefined) Object.freeze(failure.location)
  if (failure.details !== undefined) Object.freeze(failure.details)
  Object.freeze(failure)
}

const storage = new AsyncLocalStorage<RunContext>()

/** Runs `body` inside a run context. @internal */
export function withRun<T>(context: RunContext, body: () => T): T {
  return storage.run(context, body)
}

/** Leaves any run context: for work that must not belong to the current run. @internal */
export function outsideRun<T>(body: () => T): T {
  return storage.exit(body)
}

/**
 * The run a stage belongs to, or a detached context when the flow is subscribed outside a sink
 * (for example through `rights()` in a reactive app): no budget, no report.
 *
 * @internal
 */
export function currentRun(): RunContext {
  return storage.getStore() ?? detached()
}

function detached(): RunContext {
  return new RunContext({
    name: 'detached',
    highWaterMark: Number.POSITIVE_INFINITY,
    highWaterBytes: Number.POSITIVE_INFINITY,
    failureCap: 0,
    stallTimeoutMs: Number.POSITIVE_INFINITY,
    hooks: {},
  })
}
