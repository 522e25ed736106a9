/**
 * The run: what every sink does when it is called. Creates the run context, subscribes inside it,
 * hands records to the sink's implementation and failures to the policy, and settles the promise
 * with a report that adds up — on completion, fail-fast, abort or an infrastructure fault alike.
 *
 * @internal
 * @packageDocumentation
 */
import type { Subscription } from 'rxjs'
import { isLeft, type Either } from 'fp-ts/lib/Either.js'
import { failure, describeError, type Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import type { RunReport } from '../core/RunReport.js'
import type { RunOptions } from '../core/RunOptions.js'
import { RunError } from '../core/RunError.js'
import { AbortError } from '../core/AbortError.js'
import { RunContext } from './run/RunContext.js'
import { RunStop } from './run/RunStop.js'
import { withRun } from './run/currentRun.js'
import type { StageHandle } from './run/StageHandle.js'
import { depthOf } from './depth.js'
import { joinBranch } from './branchRun.js'
import { subscribeInput } from './flowInput.js'
import { startProgress, type ProgressHandle } from './progress.js'
import { startTimeline, type TimelineSampler } from './timeline.js'
import { reportPage } from './html/page.js'
import { writeFileAtomically } from './writeFileAtomically.js'
import { RunState } from './runState.js'
import { checkpointsOf, startCheckpoints } from './checkpoint/Checkpointer.js'

/** What a sink implements. @internal */
export interface SinkImpl<A> {
  /** Prepares the destination (opens a file); awaited before the flow is subscribed. */
  start?(): void | Promise<void>
  /**
   * Takes one record. The record is open in the ledger: the sink settles it (`written`), takes it
   * into custody (`hold`) or reports it failed (`run.fail`). A throw makes it a SinkError.
   */
  write(record: A): void
  /** The input completed: flush, commit, and settle what is held. */
  end(): Promise<void>
  /**
   * The run stopped early: discard what is not delivered and release resources. The run waits
   * for it at most `patienceMs`.
   */
  abort(patienceMs: number): Promise<void>
}

/** The defaults of a run. @internal */
export const RUN_DEFAULTS = {
  highWaterMark: 2_000,
  highWaterBytes: 64 * 1024 * 1024,
  failureCap: 1_000,
  stallTimeoutMs: 30_000,
  /**
   * How long a stopped run waits for its sink to clean up (and for hooks' promises) before it
   * settles anyway; never longer than `stallTimeoutMs`.
   */
  stopPatienceMs: 2_000,
} as const

/** How long a stopped run waits for its sink's cleanup. @internal */
export function stopPatience(run: RunContext): number {
  return Math.min(run.settings.stallTimeoutMs, RUN_DEFAULTS.stopPatienceMs)
}

/**
 * Runs `flow` into the sink that `make` builds from its stage handle, which keeps its books.
 *
 * @internal
 */
export function runSink<A>(
  flow: Flow<A>,
  sinkName: string,
  options: RunOptions,
  make: (stage: StageHandle) => SinkImpl<A>,
): Promise<RunReport> {
  return runSinkInRun(flow, sinkName, options, (_run, stage) => make(stage))
}

/**
 * {@link runSink} for machinery that needs the run itself besides the stage's handle: the
 * branches of `fanOut` and `route`, which join the run of the sink they feed.
 *
 * @internal
 */
export function runSinkInRun<A>(
  flow: Flow<A>,
  sinkName: string,
  options: RunOptions,
  make: (run: RunContext, stage: StageHandle) => SinkImpl<A>,
): Promise<RunReport> {
  const stageName = options.stageName ?? sinkName
  // A sink called as a branch of fanOut/route joins that run instead of starting its own.
  const run = joinBranch() ?? newRun(options, stageName)
  return new Promise<RunReport>((resolve, reject) => {
    withRun(run, () => {
      const depth = depthOf(flow) + 1
      new SinkRun<A>(run, stageName, depth, options, { resolve, reject }).start(flow, make)
    })
  })
}

function newRun(options: RunOptions, stageName: string): RunContext {
  const run = new RunContext({
    name: options.name ?? stageName,
    highWaterMark: Math.max(1, options.highWaterMark ?? RUN_DEFAULTS.highWaterMark),
    highWaterBytes: options.highWaterBytes ?? RUN_DEFAULTS.highWaterBytes,
    failureCap: options.failureCap ?? RUN_DEFAULTS.failureCap,
    stallTimeoutMs: options.stallTimeoutMs ?? RUN_DEFAULTS.stallTimeoutMs,
    hooks: options.hooks ?? {},
  })
  if (options.state !== undefined) run.state = new RunState(options.state, run.settings.name)
  startCheckpoints(run, options)
  return run
}

/** How the run's promise is settled. */
interface Outcome {
  readonly resolve: (report: RunReport) => void
  readonly reject: (error: Error) => void
}

/**
 * One run of a sink, from subscribing to the report: the input handed to the sink (held until its
 * `start` is done), the end of the input, stops, and the report that settles the promise.
 */
class SinkRun<A> {
  private readonly stage: StageHandle
  private readonly progress: ProgressHandle
  private readonly timeline: TimelineSampler
  /** How long a stopped run waits for its sink's cleanup. */
  private readonly patience: number
  private subscription: Subscription | undefined
  private sink: SinkImpl<A> | undefined
  /** What arrived before the sink's `start` was done; `undefined` once it is. */
  private early: Array<Either<Failure, A> | typeof COMPLETE> | undefined = []
  /** The input completed: the sink is finishing (`end`). */
  private ending = false
  /** `finish` ran: the promise is settled, or about to be. */
  private settled = false
  /** The sink's cleanup after a stop, once asked for. */
  private aborted: Promise<void> | undefined
  /** The timer that settles a run whose sink does not finish after a late stop. */
  private giveUp: NodeJS.Timeout | undefined

  constructor(
    private readonly run: RunContext,
    private readonly stageName: string,
    depth: number,
    private readonly options: RunOptions,
    private readonly outcome: Outcome,
  ) {
    run.callHook('preRun', () =>
      run.settings.hooks.preRun?.({
        name: run.settings.name,
        startedAt: run.startedAt.toISOString(),
      }),
    )
    run.startWatchdog()
    this.stage = run.openStage(stageName, 'sink', depth)
    this.progress = startProgress(run, options.progress)
    this.timeline = startTimeline(run)
    this.patience = stopPatience(run)
  }

  /**
   * Subscribes to `flow` at once, so a hot source (a Subject) loses nothing, and holds what
   * arrives until the sink's destination is ready.
   */
  start(flow: Flow<A>, make: (run: RunContext, stage: StageHandle) => SinkImpl<A>): void {
    const { run, options } = this
    run.onStop((stop) => this.onStop(stop))
    if (options.signal?.aborted === true) {
      this.onAbort()
      return
    }
    options.signal?.addEventListener('abort', this.onAbort, { once: true })
    const sink = make(run, this.stage)
    this.sink = sink
    this.subscription = subscribeInput(run, this.stageName, flow, {
      next: (value: Either<Failure, A>) => {
        if (this.early === undefined) this.accept(value)
        else this.early.push(value)
      },
      error: (error: unknown) => run.stop(new RunStop('failed', asRunError(error))),
      complete: () => {
        if (this.early === undefined) this.complete()
        else this.early.push(COMPLETE)
      },
    })
    // Checkpoints need every piece to take part: one that cannot fails the run before it starts.
    const refused = checkpointsOf(run)?.verify(this.stageName)
    if (refused !== undefined) return run.stop(new RunStop('failed', asRunError(refused)))
    if (run.stopped !== undefined) this.subscription.unsubscribe()
    this.startSink(sink)
  }

  /**
   * Calls the sink's `start`. One that throws is an infrastructure fault like one that rejects:
   * the run fails with its report, and the source is unsubscribed instead of waiting for budget
   * for ever.
   */
  private startSink(sink: SinkImpl<A>): void {
    let started: void | Promise<void>
    try {
      started = sink.start?.()
    } catch (error) {
      started = Promise.reject(error)
    }
    if (started === undefined) this.begin()
    else
      started.then(
        () => this.begin(),
        (error: unknown) => this.run.stop(new RunStop('failed', asRunError(error))),
      )
  }

  /** The sink is ready: what arrived meanwhile goes to it, and from now on all at once. */
  private begin(): void {
    const early = this.early ?? []
    this.early = undefined
    for (const value of early) {
      if (value === COMPLETE) this.complete()
      else this.accept(value)
    }
  }

  private accept(value: Either<Failure, A>): void {
    const stage = this.stage
    if (stage.stopped) return
    if (isLeft(value)) {
      stage.endFailure(value.left)
      return
    }
    stage.receive()
    const sampled = stage.busy.sample()
    const started = sampled ? performance.now() : 0
    try {
      this.sink?.write(value.right)
      if (sampled) stage.busy.addSample(performance.now() - started)
    } catch (error) {
      this.writeFailed(value.right, error)
    }
  }

  /** The sink threw for `record`: a SinkError failure, at the record's place in its source. */
  private writeFailed(record: A, error: unknown): void {
    this.stage.failHere(
      this.stage.failure('SinkError', { reason: describeError(error), cause: error, record }),
    )
  }

  private complete(): void {
    this.ending = true
    this.run.inputEnded()
    const started = performance.now()
    ;(this.sink as SinkImpl<A>).end().then(
      () => this.ended(started),
      (error: unknown) => {
        this.run.stop(new RunStop('failed', asRunError(error)))
        void this.finish(this.run.stopped)
      },
    )
  }

  /** The sink's `end` is done: every record has its outcome. */
  private async ended(started: number): Promise<void> {
    const run = this.run
    this.stage.busy.addSpan(started, performance.now())
    this.stage.finish()
    const stop = run.stopped
    // An abort that arrived while the sink was finishing, too late to keep anything from its
    // destination (every record has its outcome: the file was committed), changed nothing: the
    // run completed. A failure-driven stop still fails the run.
    if (stop?.status === 'aborted' && run.unsettled() === 0) {
      await this.abortSink()
      void this.finish(await saveState(run, undefined))
    } else void this.finish(await saveState(run, stop))
  }

  private onStop(stop: RunStop): void {
    this.subscription?.unsubscribe()
    if (!this.ending) {
      void this.finish(stop)
      return
    }
    // The sink is finishing: it may still commit everything (a late abort changes nothing then),
    // but a sink that never finishes does not hold the run past its patience.
    void this.abortSink().then(() => {
      if (!this.settled)
        this.giveUp = setTimeout(() => void this.finish(this.run.stopped), this.patience)
    })
  }

  private readonly onAbort = (): void => {
    const reason: unknown = this.options.signal?.reason
    const detail =
      reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : ''
    this.run.stop(
      new RunStop('aborted', new AbortError(`${this.run.settings.name}: run aborted${detail}`)),
    )
  }

  /**
   * Asks the sink to clean up, once. A sink whose cleanup never finishes (a write that ignores the
   * run's AbortSignal) does not hold the run: after `patience` the run settles without it, saying so.
   */
  private abortSink(): Promise<void> {
    this.aborted ??= withinPatience(
      this.sink?.abort(this.patience) ?? Promise.resolve(),
      this.patience,
    ).then(
      (inTime) => {
        if (!inTime)
          this.run.keep(
            failure('SinkError', {
              stage: this.stageName,
              reason: `the sink had not finished stopping ${this.patience} ms after the run stopped (a write or close that ignores its AbortSignal?); the run did not wait for it`,
            }),
          )
      },
      (error: unknown) => {
        this.run.keep(
          failure('SinkError', {
            stage: this.stageName,
            reason: `cleanup after the run stopped failed: ${describeError(error)}`,
            cause: error,
          }),
        )
      },
    )
    return this.aborted
  }

  /** Settles the promise with the report, once: resolved, or rejected with the stop's error. */
  private async finish(stop: RunStop | undefined): Promise<void> {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.giveUp)
    this.options.signal?.removeEventListener('abort', this.onAbort)
    if (stop !== undefined) await this.abortSink()
    await this.finishDeadLetter()
    const report = await this.report(stop)
    if (this.options.htmlReport !== undefined)
      await writeHtmlReportOf(report, this.options.htmlReport)
    if (stop === undefined) {
      this.outcome.resolve(report)
      return
    }
    const error = stop.error as Error & { report?: RunReport }
    error.report = report
    this.outcome.reject(error)
  }

  /** Ends the dead-letter sink, if any; its report becomes the `deadLetter` section. */
  private async finishDeadLetter(): Promise<void> {
    let deadLetter: RunReport | undefined
    try {
      deadLetter = await this.run.finishDeadLetter()
    } catch (error) {
      deadLetter = (error as { report?: RunReport }).report
      this.run.keep(
        failure('SinkError', {
          stage: 'deadLetter',
          reason: `the dead-letter sink failed: ${describeError(error)}`,
          cause: error,
        }),
      )
    }
    if (deadLetter !== undefined) this.run.sections['deadLetter'] = deadLetter
  }

  /** The run's report, after the hooks (postRun included) had their say. */
  private async report(stop: RunStop | undefined): Promise<RunReport> {
    const run = this.run
    await run.settleHooks(this.patience)
    this.timeline.stop()
    const report = run.report(stop?.status ?? 'completed')
    this.progress.stop(report)
    const kept = run.failures.length
    run.callHook('postRun', () => run.settings.hooks.postRun?.(report))
    // The postStage hooks report() called, and postRun, may return promises too.
    await run.settleHooks(this.patience)
    run.stopWatchdog()
    // A postRun hook that throws is reported like the others, in the report it was given.
    if (run.failures.length > kept) (report.failures as Failure[]).push(...run.failures.slice(kept))
    Object.assign(report, { failuresOmitted: run.failuresOmitted })
    return report
  }
}

const COMPLETE = Symbol('complete')

/**
 * Writes the run's HTML report (sink option `htmlReport`). A report that cannot be written does
 * not change how the run ended: it is added to the report as a `SinkError` (not a record).
 */
async function writeHtmlReportOf(report: RunReport, path: string): Promise<void> {
  try {
    await writeFileAtomically(path, reportPage(report))
  } catch (error) {
    ;(report.failures as Failure[]).push(
      failure('SinkError', {
        stage: 'htmlReport',
        reason: `could not write the HTML report ${path}: ${describeError(error)}`,
        cause: error,
      }),
    )
  }
}

/**
 * Saves the sources' positions (the `state` option) once the sink committed every record of a
 * run that completed — never before, and never for a run that stopped. A save that fails fails the
 * run: the records are written, and the next run reads them again (at-least-once, no gap).
 */
async function saveState(run: RunContext, stop: RunStop | undefined): Promise<RunStop | undefined> {
  if (stop !== undefined || run.state === undefined) return stop
  try {
    const saved = await run.state.commit()
    run.sections['state'] = { key: run.state.key, committedAt: saved.committedAt }
    return undefined
  } catch (error) {
    run.stop(new RunStop('failed', asRunError(error)))
    return run.stopped
  }
}

/** Whether `work` settled within `ms` (it rejects if `work` rejects in time). @internal */
export function withinPatience(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.min(ms, 2_147_483_647))
  })
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer))
}

function asRunError(error: unknown): Error {
  if (error instanceof RunError || error instanceof AbortError) return error
  return new RunError(describeError(error), undefined, { cause: error })
}
