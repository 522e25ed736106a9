/**
 * The run context: what a run's stages share — the ledger, the budget and its stall watchdog,
 * where records come from, the failure policy, the hooks, stopping, and the report. Each of
 * those is its own module in this folder; this class puts them together. A stage reaches it only
 * through its {@link StageHandle} (see `currentRun.ts` for how the handle's stage finds its run).
 *
 * @internal
 * @packageDocumentation
 */
import type { Failure, Location } from '../../core/Failure.js'
import type { RunReport, RunStatus, StageReport } from '../../core/RunReport.js'
import type { RunHooks } from '../../core/RunOptions.js'
import type { RunState } from '../runState.js'
import { Budget } from './Budget.js'
import { buildReport, closeBooks } from './buildReport.js'
import { FailurePolicy, freezeFailure, type PolicyConfig } from './FailurePolicy.js'
import { HookRunner } from './HookRunner.js'
import { Ledger } from './Ledger.js'
import { PlainEntries } from './PlainEntries.js'
import { RecordLocations } from './RecordLocations.js'
import type { RunStop } from './RunStop.js'
import { StageHandle } from './StageHandle.js'
import { StageStats } from './StageStats.js'

/** @internal */
export interface RunSettings {
  readonly name: string
  readonly highWaterMark: number
  readonly highWaterBytes: number
  readonly failureCap: number
  readonly stallTimeoutMs: number
  readonly hooks: RunHooks
}

/** @internal */
export class RunContext {
  readonly startedAt = new Date()
  /** The books; stages change them only through their handles. */
  readonly ledger: Ledger = new Ledger(() => this.ledgerProgressed())
  private readonly budget: Budget
  private readonly locations = new RecordLocations()
  readonly plainEntries = new PlainEntries()
  private readonly policies: FailurePolicy
  private readonly hooks: HookRunner
  /** Records that failed in this run's branches (`fanOut`, `route`): the policy counts them too. */
  private branchFailures = 0
  private readonly stageList: StageStats[] = []
  private stopReason: RunStop | undefined = undefined
  private readonly stopController = new AbortController()
  /** Aborts when the run stops early: sinks and stages pass it to work that may block. */
  readonly signal: AbortSignal = this.stopController.signal
  private readonly stopListeners: Array<(stop: RunStop) => void> = []
  readonly sections: Record<string, unknown> = {}
  /** The `state` run option: sources read their saved positions here and say what they reach. */
  state: RunState | undefined = undefined

  constructor(readonly settings: RunSettings) {
    this.budget = new Budget(
      settings,
      this.ledger,
      () => this.stopReason !== undefined,
      (stop) => this.stop(stop),
    )
    this.policies = new FailurePolicy(settings.name, settings.failureCap)
    this.hooks = new HookRunner(settings.name, (failure) => this.keep(failure))
  }

  // ---- read-only views ----------------------------------------------------------------------

  get read(): number {
    return this.ledger.read
  }
  get created(): number {
    return this.ledger.created
  }
  get written(): number {
    return this.ledger.written
  }
  get dropped(): number {
    return this.ledger.dropped
  }
  get merged(): number {
    return this.ledger.merged
  }
  get failed(): number {
    return this.ledger.failed
  }
  get failures(): readonly Failure[] {
    return this.policies.failures
  }
  get failuresOmitted(): number {
    return this.policies.failuresOmitted
  }
  get policy(): PolicyConfig | undefined {
    return this.policies.policy
  }
  /** Set once the run stops early; stages check it to stop work. */
  get stopped(): RunStop | undefined {
    return this.stopReason
  }
  /** A stage takes its input from plain rxjs code: records may enter the run there. */
  get countsEntries(): boolean {
    return this.plainEntries.active
  }

  /** The stages, source first. */
  get stages(): readonly StageStats[] {
    return [...this.stageList].sort((a, b) => a.depth - b.depth || b.order - a.order)
  }

  // ---- stages -------------------------------------------------------------------------------

  /** Registers a stage when it subscribes (calls the `preStage` hook) and returns its handle. */
  openStage(name: string, kind: StageReport['kind'], depth: number): StageHandle {
    const stats = new StageStats(name, kind, depth, this.stageList.length)
    this.stageList.push(stats)
    this.callHook('preStage', () => this.settings.hooks.preStage?.({ name, kind }))
    return new StageHandle(this, stats)
  }

  /**
   * Marks a stage's output complete, or the stage unsubscribed; calls the `postStage` hook. A
   * stage that ends while records are still inside it, in a run that has not stopped, was
   * unsubscribed by a downstream stage that completed early (`take`): those records are settled,
   * in the stage and in the run, as dropped with reason `cancelled`.
   */
  finishStage(stats: StageStats): void {
    if (stats.isFinished) return
    if (this.stopReason === undefined) this.cancel(stats)
    stats.finish()
    this.callHook('postStage', () => this.settings.hooks.postStage?.(stats.toReport()))
  }

  private cancel(stats: StageStats): void {
    const remainder = stats.remainder()
    if (remainder <= 0) return
    stats.dropped += remainder
    stats.cancelled += remainder
    const fromHeld = Math.min(remainder, stats.held, this.ledger.held)
    stats.held -= Math.max(0, fromHeld)
    this.ledger.settleHeld('dropped', fromHeld, 'cancelled')
    this.ledger.settleOpen('dropped', Math.min(remainder - fromHeld, this.ledger.open), 'cancelled')
  }

  // ---- where records come from --------------------------------------------------------------

  /** A source is about to emit `record`, item `index` of a batch that `locate` can place. */
  emitting(
    record: unknown,
    locate: ((index: number) => Location) | undefined,
    index: number,
  ): void {
    this.locations.emitting(record, locate, index)
  }

  /** A one-to-one stage turned the current record `from` into `to`: `to` comes from the same place. */
  derived(from: unknown, to: unknown): void {
    this.locations.derived(from, to)
  }

  /** Where `record` came from, if it is the record being emitted now (or made from it). */
  locationOf(record: unknown): Location | undefined {
    return this.locations.locationOf(record)
  }

  // ---- the budget ---------------------------------------------------------------------------

  /** Records settled, held or uncommitted: the budget may let a source go on. */
  protected ledgerProgressed(): void {
    this.budget.progressed()
  }

  /** Records read or created whose outcome is not recorded yet (open, in custody, uncommitted). */
  unsettled(): number {
    return this.ledger.unsettled()
  }

  /** Whether a source may emit another record now. */
  hasCapacity(): boolean {
    return this.budget.hasCapacity()
  }

  /** Resolves when a source may emit again (see {@link Budget.capacity}). */
  capacity(): Promise<void> {
    return this.budget.capacity()
  }

  /** Starts the stall watchdog of a run in progress (see {@link Budget}). */
  startWatchdog(): void {
    this.budget.startWatchdog()
  }

  stopWatchdog(): void {
    this.budget.stopWatchdog()
  }

  /** The sink's input completed: from now on open records must settle through work in flight. */
  inputEnded(): void {
    this.budget.inputEnded()
  }

  /** A stage started asynchronous work (a lookup, a request): the run is busy, not stalled. */
  beginWork(): void {
    this.budget.beginWork()
  }

  endWork(): void {
    this.budget.endWork()
  }

  /** Makes sources wait until `unblock(token)`, such as while a file stream drains. */
  block(token: object): void {
    this.budget.block(token)
  }

  unblock(token: object): void {
    this.budget.unblock(token)
  }

  /** Called whenever a source is about to wait for capacity. */
  onStall(listener: () => void): () => void {
    return this.budget.onStall(listener)
  }

  // ---- failures, the policy and stopping ----------------------------------------------------

  /** Registers the run's policy; a second one is an error. */
  setPolicy(policy: PolicyConfig): void {
    this.policies.set(policy)
  }

  /** An open record ended as a failure: counts it, keeps it for the report, applies the policy. */
  failOpen(failure: Failure): void {
    this.ledger.settleOpen('failed', 1)
    this.failureCounted(failure)
  }

  /** A record in `stage`'s custody ended as a failure (see {@link failOpen}). */
  failHeld(failure: Failure, stage: StageStats | undefined): void {
    if (stage !== undefined) stage.held -= 1
    this.ledger.settleHeld('failed', 1)
    this.failureCounted(failure)
  }

  private failureCounted(failure: Failure): void {
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
    const stop = this.policies.apply(failure, this.ledger.failed + this.branchFailures)
    if (stop !== undefined) this.stop(stop)
  }

  /** Adds a failure to the report without counting a record (hook errors, warnings). */
  keep(failure: Failure): void {
    this.policies.keep(failure)
  }

  /** Finishes the dead-letter run, if any, and returns its report. */
  finishDeadLetter(): Promise<RunReport | undefined> {
    return this.policies.finishDeadLetter()
  }

  /** Stops the run early (fail-fast, maxFailures, abort, an infrastructure error). First wins. */
  stop(stop: RunStop): void {
    if (this.stopReason !== undefined) return
    this.stopReason = stop
    this.stopController.abort(stop.error)
    this.budget.wakeAll()
    for (const listener of this.stopListeners) listener(stop)
  }

  onStop(listener: (stop: RunStop) => void): void {
    this.stopListeners.push(listener)
  }

  // ---- hooks --------------------------------------------------------------------------------

  /** Runs a hook (see {@link HookRunner}). */
  callHook(hook: keyof RunHooks, call: () => void | Promise<void>): void {
    this.hooks.call(hook, call)
  }

  /** Waits for the hooks' promises still pending, at most `patienceMs`. */
  settleHooks(patienceMs: number): Promise<void> {
    return this.hooks.settle(patienceMs)
  }

  // ---- the report ---------------------------------------------------------------------------

  /**
   * Closes the books (see {@link closeBooks}) and returns the report. When the run stopped early,
   * each stage counts the records still inside it as dropped, so every stage's figures add up.
   */
  report(status: RunStatus): RunReport {
    for (const stats of this.stageList) {
      if (status !== 'completed') stats.dropRemainder()
      // Every stage gets its postStage once: a stage still going when the run stopped, here.
      this.finishStage(stats)
    }
    closeBooks(this.ledger, status, this.settings.name, (warning) => this.keep(warning))
    return buildReport({
      name: this.settings.name,
      status,
      ledger: this.ledger,
      failures: this.failures,
      failuresOmitted: this.failuresOmitted,
      stages: this.stages,
      startedAt: this.startedAt,
      sections: this.sections,
    })
  }
}
