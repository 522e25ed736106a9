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
import { failure, describeError, type Failure, type Location } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import type { RunReport } from '../core/RunReport.js'
import type { RunOptions } from '../core/RunOptions.js'
import { RunError } from '../core/RunError.js'
import { AbortError } from '../core/AbortError.js'
import { RunContext, RunStop, withRun, type StageStats } from './RunContext.js'
import { depthOf } from './depth.js'
import { joinBranch } from './branchRun.js'
import { subscribeInput } from './flowInput.js'
import { startProgress } from './progress.js'
import { startTimeline } from './timeline.js'
import { reportPage } from './html/page.js'
import { writeFileAtomically } from './writeFileAtomically.js'
import { RunState } from './runState.js'
import { startCheckpoints } from './checkpoint/Checkpointer.js'

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
  /** The run stopped early: discard what is not delivered and release resources. */
  abort(): Promise<void>
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

/** Runs `flow` into the sink that `make` builds. @internal */
export function runSink<A>(
  flow: Flow<A>,
  sinkName: string,
  options: RunOptions,
  make: (run: RunContext, stats: StageStats) => SinkImpl<A>,
): Promise<RunReport> {
  const stageName = options.stageName ?? sinkName
  // A sink called as a branch of fanOut/route joins that run instead of starting its own.
  const joined = joinBranch()
  const run =
    joined ??
    new RunContext({
      name: options.name ?? stageName,
      highWaterMark: Math.max(1, options.highWaterMark ?? RUN_DEFAULTS.highWaterMark),
      highWaterBytes: options.highWaterBytes ?? RUN_DEFAULTS.highWaterBytes,
      failureCap: options.failureCap ?? RUN_DEFAULTS.failureCap,
      stallTimeoutMs: options.stallTimeoutMs ?? RUN_DEFAULTS.stallTimeoutMs,
      hooks: options.hooks ?? {},
    })
  if (joined === undefined && options.state !== undefined)
    run.state = new RunState(options.state, run.settings.name)
  const checkpoints = joined === undefined ? startCheckpoints(run, options) : undefined
  return new Promise<RunReport>((resolve, reject) => {
    withRun(run, () => {
      run.callHook('preRun', () =>
        run.settings.hooks.preRun?.({
          name: run.settings.name,
          startedAt: run.startedAt.toISOString(),
        }),
      )
      run.startWatchdog()
      const stats = run.stage(stageName, 'sink', depthOf(flow) + 1)
      const progress = startProgress(run, options.progress)
      const timeline = startTimeline(run)
      const patience = stopPatience(run)
      let subscription: Subscription | undefined
      let sink: SinkImpl<A> | undefined
      let ending = false
      let settled = false
      let aborted: Promise<void> | undefined
      let giveUp: NodeJS.Timeout | undefined

      // A sink whose cleanup never finishes (a write that ignores the run's AbortSignal) does not
      // hold the run: after `patience` the run settles without it, saying so.
      const abortSink = (): Promise<void> => {
        aborted ??= withinPatience(sink?.abort() ?? Promise.resolve(), patience).then(
          (inTime) => {
            if (!inTime)
              run.keep(
                failure('SinkError', {
                  stage: stageName,
                  reason: `the sink had not finished stopping ${patience} ms after the run stopped (a write or close that ignores its AbortSignal?); the run did not wait for it`,
                }),
              )
          },
          (error: unknown) => {
            run.keep(
              failure('SinkError', {
                stage: stageName,
                reason: `cleanup after the run stopped failed: ${describeError(error)}`,
                cause: error,
              }),
            )
          },
        )
        return aborted
      }

      const finish = async (stop: RunStop | undefined): Promise<void> => {
        if (settled) return
        settled = true
        clearTimeout(giveUp)
        options.signal?.removeEventListener('abort', onAbort)
        if (stop !== undefined) await abortSink()
        let deadLetter: RunReport | undefined
        try {
          deadLetter = await run.finishDeadLetter()
        } catch (error) {
          deadLetter = (error as { report?: RunReport }).report
          run.keep(
            failure('SinkError', {
              stage: 'deadLetter',
              reason: `the dead-letter sink failed: ${describeError(error)}`,
              cause: error,
            }),
          )
        }
        if (deadLetter !== undefined) run.sections['deadLetter'] = deadLetter
        await run.settleHooks(patience)
        timeline.stop()
        const report = run.report(stop?.status ?? 'completed')
        progress.stop(report)
        const kept = run.failures.length
        run.callHook('postRun', () => run.settings.hooks.postRun?.(report))
        // The postStage hooks report() called, and postRun, may return promises too.
        await run.settleHooks(patience)
        run.stopWatchdog()
        // A postRun hook that throws is reported like the others, in the report it was given.
        if (run.failures.length > kept)
          (report.failures as Failure[]).push(...run.failures.slice(kept))
        Object.assign(report, { failuresOmitted: run.failuresOmitted })
        if (options.htmlReport !== undefined) await writeHtmlReportOf(report, options.htmlReport)
        if (stop === undefined) {
          resolve(report)
          return
        }
        const error = stop.error as Error & { report?: RunReport }
        error.report = report
        reject(error)
      }

      const onAbort = (): void => {
        const reason: unknown = options.signal?.reason
        const detail =
          reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : ''
        run.stop(
          new RunStop('aborted', new AbortError(`${run.settings.name}: run aborted${detail}`)),
        )
      }

      run.onStop((stop) => {
        subscription?.unsubscribe()
        if (!ending) {
          void finish(stop)
          return
        }
        // The sink is finishing: it may still commit everything (a late abort changes nothing
        // then), but a sink that never finishes does not hold the run past its patience.
        void abortSink().then(() => {
          if (!settled) giveUp = setTimeout(() => void finish(run.stopped), patience)
        })
      })

      if (options.signal?.aborted === true) {
        onAbort()
        return
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })

      // Subscribe at once, so a hot source (a Subject) loses nothing, and hold what arrives
      // until the sink's destination is ready.
      sink = make(run, stats)
      let ready = false
      const early: Array<Either<Failure, A> | typeof COMPLETE> = []
      const accept = (value: Either<Failure, A>): void => {
        if (run.stopped !== undefined) return
        if (isLeft(value)) {
          run.fail(value.left)
          return
        }
        stats.in += 1
        const sampled = stats.busy.sample()
        const started = sampled ? performance.now() : 0
        try {
          sink?.write(value.right)
          if (sampled) stats.busy.addSample(performance.now() - started)
        } catch (error) {
          stats.failed += 1
          run.fail(
            failure('SinkError', {
              stage: stageName,
              reason: describeError(error),
              cause: error,
              record: value.right,
              ...locatedAt(run.locationOf(value.right)),
            }),
          )
        }
      }
      const complete = (): void => {
        ending = true
        run.inputEnded()
        const started = performance.now()
        ;(sink as SinkImpl<A>).end().then(
          async () => {
            stats.busy.addSpan(started, performance.now())
            run.finishStage(stats)
            const stop = run.stopped
            // An abort that arrived while the sink was finishing, too late to keep anything from
            // its destination (every record has its outcome: the file was committed), changed
            // nothing: the run completed. A failure-driven stop still fails the run.
            if (stop?.status === 'aborted' && run.unsettled() === 0) {
              await abortSink()
              void finish(await saveState(run, undefined))
            } else void finish(await saveState(run, stop))
          },
          (error: unknown) => {
            run.stop(new RunStop('failed', asRunError(error)))
            void finish(run.stopped)
          },
        )
      }
      subscription = subscribeInput(run, stageName, flow, {
        next(value: Either<Failure, A>) {
          if (ready) accept(value)
          else early.push(value)
        },
        error(error: unknown) {
          run.stop(new RunStop('failed', asRunError(error)))
        },
        complete() {
          if (ready) complete()
          else early.push(COMPLETE)
        },
      })
      // Checkpoints need every piece to take part: one that cannot fails the run before it starts.
      const refused = checkpoints?.verify(stageName)
      if (refused !== undefined) {
        run.stop(new RunStop('failed', asRunError(refused)))
        return
      }
      if (run.stopped !== undefined) subscription.unsubscribe()
      // A start that throws is an infrastructure fault like one that rejects: the run fails with
      // its report, and the source is unsubscribed instead of waiting for budget for ever.
      let started: void | Promise<void>
      try {
        started = sink.start?.()
      } catch (error) {
        started = Promise.reject(error)
      }
      const begin = (): void => {
        ready = true
        for (const value of early.splice(0)) {
          if (value === COMPLETE) complete()
          else accept(value)
        }
      }
      if (started === undefined) begin()
      else
        started.then(begin, (error: unknown) => {
          run.stop(new RunStop('failed', asRunError(error)))
        })
    })
  })
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

function locatedAt(location: Location | undefined): { location?: Location } {
  return location === undefined ? {} : { location }
}

function asRunError(error: unknown): Error {
  if (error instanceof RunError || error instanceof AbortError) return error
  return new RunError(describeError(error), undefined, { cause: error })
}
