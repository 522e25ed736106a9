/**
 * A branch of a run: the run of one branch of `fanOut`, `route` or `partition`. The branch's sink
 * calls `runSink` as any sink does; inside {@link inBranch} that call gets a {@link BranchRun}
 * instead of an independent run. The branch keeps its own ledger and stages (its report adds up on
 * its own), but it has no policy of its own: its failures go to the parent run's policy, a stop of
 * either run stops the other, and the parent is told whenever the branch settles records, so it
 * releases a record's budget only when every branch it entered has settled it.
 *
 * @internal
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Failure } from '../core/Failure.js'
import type { PolicyConfig } from './run/FailurePolicy.js'
import { RunContext, type RunSettings } from './run/RunContext.js'
import type { RunStop } from './run/RunStop.js'

/** The branch a sink called now belongs to. @internal */
export interface BranchSlot {
  readonly parent: RunContext
  readonly name: string
  /** Called once, when the branch's sink starts its run. */
  readonly joined: (run: BranchRun) => void
  /** Called whenever the branch settles or takes records into custody. */
  readonly progressed: () => void
  run: BranchRun | undefined
}

const scope = new AsyncLocalStorage<BranchSlot>()

/** Runs `body` (a branch function or sink) so that the first run it starts is a branch of `slot.parent`. @internal */
export function inBranch<T>(slot: BranchSlot, body: () => T): T {
  return scope.run(slot, body)
}

/**
 * The run a sink starts: a branch of the current graph, if the sink is a branch's first, or
 * undefined (an independent run).
 *
 * @internal
 */
export function joinBranch(): BranchRun | undefined {
  const slot = scope.getStore()
  if (slot === undefined || slot.run !== undefined) return undefined
  // The branch shares the run's budget and patience; the run's hooks are the parent's to call.
  const run = new BranchRun(slot, { ...slot.parent.settings, name: slot.name, hooks: {} })
  slot.run = run
  slot.joined(run)
  return run
}

/** The run of one branch. @internal */
export class BranchRun extends RunContext {
  constructor(
    private readonly slot: BranchSlot,
    settings: RunSettings,
  ) {
    super(settings)
    slot.parent.onStop((stop) => this.stop(stop))
    if (slot.parent.stopped !== undefined) this.stop(slot.parent.stopped)
  }

  override setPolicy(policy: PolicyConfig): void {
    throw new Error(
      `${this.settings.name}: a branch has no failure policy of its own (${policy.kind}); put the policy before the fanOut, route or partition — the run's policy applies to every branch`,
    )
  }

  protected override applyPolicy(failure: Failure): void {
    this.slot.parent.branchFailed(this.slot.name, failure)
  }

  override stop(stop: RunStop): void {
    super.stop(stop)
    this.slot.parent.stop(stop)
  }

  /** Records settled, held or uncommitted: the parent may release their budget. */
  protected override ledgerProgressed(): void {
    super.ledgerProgressed()
    this.slot.progressed()
  }

  override unblock(token: object): void {
    super.unblock(token)
    this.slot.progressed()
  }

  /** Records of this branch whose budget is released: settled, in custody or uncommitted. */
  released(): number {
    return this.ledger.released()
  }

  /** The parent's source is about to wait for budget: batching sinks of this branch flush now. */
  stalled(): void {
    void this.capacity()
  }
}
