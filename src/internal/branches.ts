/**
 * The sink behind `fanOut`, `route` and `partition`: hands each record to the branches a chooser
 * names, runs each branch's sink as a branch of this run ({@link BranchRun}), and settles a record
 * in this run's ledger — as written — only once every branch it entered has settled it (written,
 * dropped, failed, taken into custody or written to a file committed later). So the slowest branch
 * governs the source, and read-ahead stays within the high-water mark.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable, type Subscriber } from 'rxjs'
import { right, type Either } from 'fp-ts/lib/Either.js'
import { describeError, type Failure } from '../core/Failure.js'
import type { Branch } from '../core/Branch.js'
import type { BranchesReport } from '../core/BranchesReport.js'
import type { Flow } from '../core/Flow.js'
import type { RunOptions } from '../core/RunOptions.js'
import type { RunReport } from '../core/RunReport.js'
import { RunError } from '../core/RunError.js'
import type { RunContext } from './run/RunContext.js'
import { RunStop } from './run/RunStop.js'
import type { StageHandle } from './run/StageHandle.js'
import { withRun } from './run/currentRun.js'
import { inBranch, type BranchRun } from './branchRun.js'
import { pushSource } from './pushSource.js'
import { runSinkInRun, stopPatience, withinPatience, type SinkImpl } from './runSink.js'

/** Which branches (indexes into the branch list) a record enters; none: it is unrouted. @internal */
export type Chooser<A> = (record: A) => readonly number[]

/** Runs `flow` into the named branches. @internal */
export function runBranches<A, K extends string>(
  flow: Flow<A>,
  sinkName: string,
  branches: ReadonlyArray<readonly [K, Branch<A>]>,
  choose: Chooser<A>,
  options: RunOptions,
): Promise<BranchesReport<K>> {
  return runSinkInRun<A>(flow, sinkName, options, (run, stage) =>
    branchesImpl(run, stage, branches, choose),
  ) as Promise<BranchesReport<K>>
}

function branchesImpl<A>(
  run: RunContext,
  stage: StageHandle,
  branches: ReadonlyArray<readonly [string, Branch<A>]>,
  choose: Chooser<A>,
): SinkImpl<A> {
  const section: Record<string, RunReport> = {}
  run.sections['branches'] = section
  // Records handed to branches, oldest first: which lanes each entered, at which position.
  const entries: Array<{ readonly lanes: readonly number[]; readonly positions: number[] }> = []
  let head = 0
  const advance = (): void => {
    while (head < entries.length) {
      const entry = entries[head] as (typeof entries)[number]
      for (let index = 0; index < entry.lanes.length; index++)
        if (
          (lanes[entry.lanes[index] as number] as Lane<A>).released() <=
          (entry.positions[index] as number)
        )
          return
      head += 1
      stage.write()
    }
    if (head > 1024 && head * 2 > entries.length) {
      entries.splice(0, head)
      head = 0
    }
  }
  run.beginWork()
  const lanes = branches.map(([name, branch]) => new Lane<A>(run, name, branch, section, advance))
  const finished = Promise.all(lanes.map((lane) => lane.finished)).then(() => run.endWork())
  const unlisten = run.onStall(() => {
    for (const lane of lanes) lane.child?.stalled()
  })
  return {
    write(record) {
      const chosen = choose(record)
      if (chosen.length === 0) {
        stage.drop('unrouted')
        return
      }
      // The entry goes in first: a branch may settle the record while it is handed over.
      entries.push({
        lanes: chosen,
        positions: chosen.map((index) => (lanes[index] as Lane<A>).entered),
      })
      for (const index of chosen) (lanes[index] as Lane<A>).push(record)
    },
    async end() {
      for (const lane of lanes) lane.complete()
      await finished
      unlisten()
      const broken = lanes.find((lane) => lane.error !== undefined)
      if (broken !== undefined) throw broken.error
    },
    async abort() {
      unlisten()
      await withinPatience(finished, stopPatience(run))
    },
  }
}

/** One branch: its input, its run once its sink starts, and how far it has settled its records. */
class Lane<A> {
  entered = 0
  child: BranchRun | undefined = undefined
  error: Error | undefined = undefined
  readonly finished: Promise<void>
  private done = false
  private releasedMost = 0
  private readonly token = {}
  private subscriber: Subscriber<Either<Failure, A>> | undefined = undefined
  private waiting: A[] = []
  private completed = false

  constructor(
    private readonly run: RunContext,
    private readonly name: string,
    branch: Branch<A>,
    section: Record<string, RunReport>,
    private readonly advance: () => void,
  ) {
    const input = pushSource<A>(
      `branch ${name}`,
      new Observable<Either<Failure, A>>((subscriber) => {
        this.subscriber = subscriber
        for (const record of this.waiting.splice(0)) subscriber.next(right(record))
        if (this.completed) subscriber.complete()
        return () => {
          this.subscriber = undefined
        }
      }),
    )
    // Until the branch's sink starts its run, the source waits for it.
    run.block(this.token)
    this.finished = this.start(branch, input)
      .then(
        (report) => {
          section[name] = report
        },
        (error: unknown) => {
          const report = (error as { report?: RunReport } | undefined)?.report
          if (report !== undefined) section[name] = report
          else this.broke(error)
        },
      )
      .finally(() => {
        this.done = true
        this.run.unblock(this.token)
        this.advance()
      })
  }

  private start(branch: Branch<A>, input: Flow<A>): Promise<RunReport> {
    return inBranch(
      {
        parent: this.run,
        name: this.name,
        run: undefined,
        joined: (child) => {
          this.child = child
          this.pace()
        },
        progressed: () => this.progressed(),
      },
      () => {
        try {
          const report = branch(input)
          if (typeof (report as { then?: unknown } | undefined)?.then !== 'function')
            throw new TypeError(`returned ${typeof report}, not the promise of a sink's report`)
          return report
        } catch (error) {
          return Promise.reject(error)
        }
      },
    )
  }

  private broke(error: unknown): void {
    this.error = new RunError(`branch ${this.name}: ${describeError(error)}`, undefined, {
      cause: error,
    })
    if (this.run.stopped === undefined) this.run.stop(new RunStop('failed', this.error))
  }

  /** How many of the records this branch entered have settled in it (all, once it finished). */
  released(): number {
    if (this.done) return Number.POSITIVE_INFINITY
    if (this.child === undefined) return 0
    const now = Math.min(this.child.released(), this.child.read)
    if (now > this.releasedMost) this.releasedMost = now
    return this.releasedMost
  }

  push(record: A): void {
    this.entered += 1
    const subscriber = this.subscriber
    if (subscriber === undefined) {
      if (!this.done) this.waiting.push(record)
      return
    }
    const child = this.child
    if (child === undefined) subscriber.next(right(record))
    // The branch's stages run now: work they start belongs to the branch's run.
    else withRun(child, () => subscriber.next(right(record)))
    this.pace()
  }

  complete(): void {
    this.completed = true
    this.subscriber?.complete()
  }

  private progressed(): void {
    this.pace()
    this.advance()
  }

  /** The source waits while this branch has no budget (its own sink blocks it, or it is full). */
  private pace(): void {
    if (this.done || (this.child !== undefined && this.child.hasCapacity()))
      this.run.unblock(this.token)
    else this.run.block(this.token)
  }
}
