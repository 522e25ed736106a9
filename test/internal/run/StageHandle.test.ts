import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { left, right } from 'fp-ts/lib/Either.js'
import { failure } from '../../../src/core/Failure.js'
import type { RunReport, StageReport } from '../../../src/core/RunReport.js'
import { RunContext } from '../../../src/internal/run/RunContext.js'
import { RunStop } from '../../../src/internal/run/RunStop.js'
import type { StageHandle } from '../../../src/internal/run/StageHandle.js'
import { startCheckpoints } from '../../../src/internal/checkpoint/Checkpointer.js'
import { memoryStateStore, runWithState } from '../../support/stateRun.js'

const settings = {
  name: 'model',
  highWaterMark: 1_000,
  highWaterBytes: Number.POSITIVE_INFINITY,
  failureCap: 10_000,
  stallTimeoutMs: 1_000,
  hooks: {},
}

const sinkFailure = () => failure('SinkError', { stage: 'sink', reason: 'refused' })

// ---- the reference model ------------------------------------------------------------------------

/** One stage as the model sees it: its figures, and the records inside it. */
interface StageModel {
  in: number
  out: number
  dropped: number
  failed: number
  created: number
  merged: number
  /** Records in this stage without an outcome in it (held and uncommitted ones included). */
  inside: number
  held: number
  uncommitted: number
}

const OPERATORS = 2
const SINK = OPERATORS + 1
const REASONS = ['duplicate', 'unmatched'] as const

const VERBS = [
  'read',
  'readFailure',
  'receive',
  'emit',
  'fail',
  'drop',
  'merge',
  'create',
  'hold',
  'release',
  'dropHeld',
  'write',
  'writeHeld',
  'failHere',
  'failHeld',
  'endFailure',
  'uncommitted',
  'reopen',
  'commit',
] as const
type Verb = (typeof VERBS)[number]

interface Step {
  readonly verb: Verb
  /** Which of the stages where the verb may apply now it applies to (modulo their number). */
  readonly pick: number
  readonly reason: (typeof REASONS)[number]
}

class Model {
  readonly stages: StageModel[] = Array.from({ length: SINK + 1 }, () => ({
    in: 0,
    out: 0,
    dropped: 0,
    failed: 0,
    created: 0,
    merged: 0,
    inside: 0,
    held: 0,
    uncommitted: 0,
  }))
  /** transit[s]: records emitted upstream of stage s, not received by it yet. */
  readonly transit: number[] = Array.from({ length: SINK + 1 }, () => 0)
  failuresInTransit = 0
  read = 0
  created = 0
  written = 0
  merged = 0
  failed = 0
  readonly droppedByReason: Record<string, number> = {}

  /** Records read or created with no outcome in the run yet. */
  unsettled(): number {
    const dropped = Object.values(this.droppedByReason).reduce((sum, n) => sum + n, 0)
    return this.read + this.created - this.written - this.merged - this.failed - dropped
  }

  /** Whether `verb` may apply to stage `s` now (the model has a record for it). */
  can(verb: Verb, s: number): boolean {
    const stage = this.stages[s] as StageModel
    const free = stage.inside - stage.held - stage.uncommitted
    const isOperator = s >= 1 && s <= OPERATORS
    const isSink = s === SINK
    switch (verb) {
      case 'read':
      case 'readFailure':
        return s === 0
      case 'receive':
        return s > 0 && (this.transit[s] ?? 0) > 0
      case 'emit':
      case 'fail':
      case 'merge':
        return isOperator && free > 0
      case 'create':
        return isOperator
      case 'drop':
      case 'hold':
        return s > 0 && free > 0
      case 'release':
      case 'dropHeld':
        return s > 0 && stage.held > 0
      case 'write':
      case 'failHere':
      case 'uncommitted':
        return isSink && free > 0
      case 'writeHeld':
      case 'failHeld':
        return isSink && stage.held > 0
      case 'endFailure':
        return isSink && this.failuresInTransit > 0
      case 'commit':
      case 'reopen':
        return isSink && stage.uncommitted > 0
    }
  }

  /** Applies `step` to the model and to the handles, if the verb may apply to some stage now. */
  apply(step: Step, handles: readonly StageHandle[]): void {
    const candidates = this.stages.map((_, s) => s).filter((s) => this.can(step.verb, s))
    if (candidates.length === 0) return
    const s = candidates[step.pick % candidates.length] as number
    const stage = this.stages[s] as StageModel
    const handle = handles[s] as StageHandle
    const free = stage.inside - stage.held - stage.uncommitted
    const isOperator = s >= 1 && s <= OPERATORS
    const isSink = s === SINK
    switch (step.verb) {
      case 'read':
      case 'readFailure':
        if (s !== 0) return
        handle.read(step.verb === 'read' ? right(1) : left(sinkFailure()))
        this.read += 1
        stage.in += 1
        if (step.verb === 'read') {
          stage.out += 1
          this.transit[1] = (this.transit[1] ?? 0) + 1
        } else {
          stage.failed += 1
          this.failuresInTransit += 1
        }
        return
      case 'receive':
        if (s === 0 || (this.transit[s] ?? 0) === 0) return
        handle.receive()
        this.transit[s] = (this.transit[s] ?? 0) - 1
        stage.in += 1
        stage.inside += 1
        return
      case 'emit':
        if (!isOperator || free === 0) return
        handle.emit()
        stage.out += 1
        stage.inside -= 1
        this.transit[s + 1] = (this.transit[s + 1] ?? 0) + 1
        return
      case 'fail':
        if (!isOperator || free === 0) return
        handle.fail()
        stage.failed += 1
        stage.inside -= 1
        this.failuresInTransit += 1
        return
      case 'drop':
        if (s === 0 || free === 0) return
        handle.drop(step.reason)
        stage.dropped += 1
        stage.inside -= 1
        this.droppedByReason[step.reason] = (this.droppedByReason[step.reason] ?? 0) + 1
        return
      case 'merge':
        if (!isOperator || free === 0) return
        handle.merge()
        stage.merged += 1
        stage.inside -= 1
        this.merged += 1
        return
      case 'create':
        if (!isOperator) return
        handle.create()
        stage.created += 1
        stage.inside += 1
        this.created += 1
        return
      case 'hold':
        if (s === 0 || free === 0) return
        handle.hold()
        stage.held += 1
        return
      case 'release':
        if (s === 0 || stage.held === 0) return
        handle.release()
        stage.held -= 1
        return
      case 'dropHeld':
        if (s === 0 || stage.held === 0) return
        handle.dropHeld(step.reason)
        stage.held -= 1
        stage.inside -= 1
        stage.dropped += 1
        this.droppedByReason[step.reason] = (this.droppedByReason[step.reason] ?? 0) + 1
        return
      case 'write':
        if (!isSink || free === 0) return
        handle.write()
        this.settleInSink(stage, 'out')
        return
      case 'writeHeld':
        if (!isSink || stage.held === 0) return
        handle.writeHeld()
        stage.held -= 1
        this.settleInSink(stage, 'out')
        return
      case 'failHere':
        if (!isSink || free === 0) return
        handle.failHere(sinkFailure())
        this.settleInSink(stage, 'failed')
        return
      case 'failHeld':
        if (!isSink || stage.held === 0) return
        handle.failHeld(sinkFailure())
        stage.held -= 1
        this.settleInSink(stage, 'failed')
        return
      case 'endFailure':
        if (!isSink || this.failuresInTransit === 0) return
        handle.endFailure(sinkFailure())
        this.failuresInTransit -= 1
        this.failed += 1
        return
      case 'uncommitted':
        if (!isSink || free === 0) return
        handle.uncommitted(1)
        stage.uncommitted += 1
        return
      case 'reopen':
        if (!isSink || stage.uncommitted === 0) return
        handle.reopen(1)
        stage.uncommitted -= 1
        return
      case 'commit':
        if (!isSink || stage.uncommitted === 0) return
        handle.commit(1)
        stage.uncommitted -= 1
        this.settleInSink(stage, 'out')
        return
    }
  }

  private settleInSink(stage: StageModel, as: 'out' | 'failed'): void {
    stage.inside -= 1
    stage[as] += 1
    if (as === 'out') this.written += 1
    else this.failed += 1
  }
}

// ---- running a sequence -------------------------------------------------------------------------

type Ending = 'completed' | 'stopped' | 'cancelled'

function play(steps: readonly Step[], ending: Ending): { model: Model; report: RunReport } {
  const run = new RunContext(settings)
  const handles = [
    run.openStage('source', 'source', 0),
    ...Array.from({ length: OPERATORS }, (_, index) =>
      run.openStage(`operator ${index + 1}`, 'operator', index + 1),
    ),
    run.openStage('sink', 'sink', SINK),
  ]
  const model = new Model()
  for (const step of steps) {
    model.apply(step, handles)
    expect(run.ledger.unsettled(), `unsettled after ${step.verb}`).toBe(model.unsettled())
  }
  if (ending === 'stopped') {
    run.stop(new RunStop('failed', new Error('stopped')))
    return { model, report: run.report('failed') }
  }
  // A downstream stage completed early: the source and the operators are unsubscribed.
  if (ending === 'cancelled') for (const handle of handles.slice(0, SINK)) handle.finish()
  return { model, report: run.report('completed') }
}

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  verb: fc.constantFrom(...VERBS),
  pick: fc.nat(),
  reason: fc.constantFrom(...REASONS),
})

const ENDING_REASONS = ['cancelled', 'aborted', 'unaccounted']

describe('a stage handle', () => {
  it('keeps every stage and the run balanced, as the reference model says, however the run ends', () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary, { maxLength: 120 }),
        fc.constantFrom<Ending>('completed', 'stopped', 'cancelled'),
        (steps, ending) => {
          const { model, report } = play(steps, ending)
          const unsettled = model.unsettled()
          // The run's equation, and its figures as the model counted them.
          expect(report.read + report.created).toBe(
            report.written + report.dropped + report.merged + report.failed,
          )
          expect(Object.values(report.droppedByReason).reduce((sum, n) => sum + n, 0)).toBe(
            report.dropped,
          )
          expect([
            report.read,
            report.created,
            report.written,
            report.merged,
            report.failed,
          ]).toEqual([model.read, model.created, model.written, model.merged, model.failed])
          for (const reason of REASONS)
            expect(report.droppedByReason[reason] ?? 0).toBe(model.droppedByReason[reason] ?? 0)
          const byEnding = ENDING_REASONS.map((reason) => report.droppedByReason[reason] ?? 0)
          expect(byEnding.reduce((sum, n) => sum + n, 0)).toBe(unsettled)
          // Each stage's equation, and its figures as the model counted them.
          const stages = new Map(report.stages.map((stage) => [stage.name, stage]))
          model.stages.forEach((expected, index) => {
            const name = index === 0 ? 'source' : index === SINK ? 'sink' : `operator ${index}`
            const stage = stages.get(name) as StageReport
            expect(stage.in + stage.created).toBe(
              stage.out + stage.dropped + stage.merged + stage.failed,
            )
            expect([stage.in, stage.out, stage.failed, stage.created, stage.merged]).toEqual([
              expected.in,
              expected.out,
              expected.failed,
              expected.created,
              expected.merged,
            ])
            // What was inside the stage at the end is dropped there: cancelled unless stopped.
            expect(stage.dropped).toBe(expected.dropped + expected.inside)
            expect(stage.cancelled ?? 0).toBe(ending === 'stopped' ? 0 : expected.inside)
          })
          if (ending === 'stopped') {
            expect(byEnding[0]).toBe(0)
            expect(byEnding[2]).toBe(0)
          } else expect(byEnding[1]).toBe(0)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('writes what a sink committed, and drops as aborted what it never did', () => {
    const step = (verb: Verb): Step => ({ verb, pick: 0, reason: 'duplicate' })
    const { report } = play(
      [
        ...(['read', 'read'] as const).map(step),
        // Each stage in turn receives both records and passes them on.
        ...[1, 2, 3].flatMap(() => (['receive', 'receive', 'emit', 'emit'] as const).map(step)),
        ...(['uncommitted', 'uncommitted', 'commit'] as const).map(step),
      ],
      'stopped',
    )
    expect(report.written).toBe(1)
    expect(report.droppedByReason).toEqual({ aborted: 1 })
  })

  it("shows its stage the run's checkpoints, and none when the run takes none", () => {
    const plain = new RunContext(settings)
    expect(plain.openStage('dedupe', 'operator', 1).checkpoints).toBeUndefined()
    const checkpointed = new RunContext(settings)
    const checkpoints = startCheckpoints(checkpointed, {
      state: { store: memoryStateStore(), key: 'k' },
      checkpoint: {},
    })
    expect(checkpointed.openStage('dedupe', 'operator', 1).checkpoints).toBe(checkpoints)
  })

  it("shows its stage the run's state, and none when the run has none", () => {
    expect(new RunContext(settings).openStage('toPostgres', 'sink', 1).state).toBeUndefined()
    const { run, state } = runWithState(memoryStateStore())
    expect(run.openStage('toPostgres', 'sink', 1).state).toBe(state)
  })

  it("shows every stage of a run the same report sections, the run's own", () => {
    const run = new RunContext(settings)
    const source = run.openStage('source', 'source', 0)
    source.sections['bookmark'] = { field: 'id', value: 3 }
    expect(run.openStage('sink', 'sink', 1).sections).toBe(source.sections)
    expect(run.report('completed')['bookmark']).toEqual({ field: 'id', value: 3 })
  })
})
