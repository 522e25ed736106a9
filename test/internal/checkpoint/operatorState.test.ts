import { describe, expect, it } from 'vitest'
import { RunContext } from '../../../src/internal/run/RunContext.js'
import {
  checkpointsOf,
  startCheckpoints,
  type OperatorParticipant,
} from '../../../src/internal/checkpoint/Checkpointer.js'
import {
  keyedState,
  keySetState,
  refuseCheckpoint,
} from '../../../src/internal/checkpoint/operatorState.js'
import type { KeyValue } from '../../../src/internal/keys.js'
import type { StageHandle } from '../../../src/internal/run/StageHandle.js'
import { memoryStateStore } from '../../support/stateRun.js'

function newRun(): RunContext {
  return new RunContext({
    name: 'test',
    highWaterMark: 10,
    highWaterBytes: Number.POSITIVE_INFINITY,
    failureCap: 10,
    stallTimeoutMs: 1_000,
    hooks: {},
  })
}

function checkpointedRun(): RunContext {
  const run = newRun()
  startCheckpoints(run, { state: { store: memoryStateStore(), key: 'k' }, checkpoint: {} })
  return run
}

/** A stage of `run`, as an operator's handle shows it to its checkpoints. */
function stage(run: RunContext, name: string): StageHandle {
  return run.openStage(name, 'operator', 1)
}

/** The participant an operator registered (the checkpoints keep them privately). */
function participant(run: RunContext, stage: string): OperatorParticipant {
  const checkpoints = checkpointsOf(run) as unknown as {
    operators: Map<string, OperatorParticipant>
  }
  return checkpoints.operators.get(stage) as OperatorParticipant
}

describe('keySetState', () => {
  it('does nothing without checkpoints', () => {
    expect(keySetState(stage(newRun(), 'dedupe'), () => undefined)).toBeUndefined()
  })

  it('saves the keys added since the last save, and restores every kind of key as it was', () => {
    const run = checkpointedRun()
    let restored: KeyValue[] = []
    const saving = keySetState(stage(run, 'dedupe'), (keys) => {
      restored = keys
    })
    const keys: KeyValue[] = ['a', 1, -0, Number.NaN, Infinity, true, null, undefined, 12n]
    for (const key of keys) saving?.added(key)
    const operator = participant(run, 'dedupe')
    const first = operator.save()
    expect(operator.save()).toBeUndefined()
    saving?.added('later')
    const second = operator.save()
    operator.restore(JSON.parse(JSON.stringify([first, second])) as unknown[])
    expect(restored).toEqual([...keys, 'later'])
    expect(Object.is(restored[2], -0)).toBe(true)
  })

  it('cannot save a symbol key, and says so', () => {
    const run = checkpointedRun()
    keySetState(stage(run, 'dedupe'), () => undefined)?.added(Symbol('x'))
    expect(() => participant(run, 'dedupe').save()).toThrow(
      'dedupe: checkpoint: a key function returned a symbol',
    )
  })
})

describe('keyedState', () => {
  it('does nothing without checkpoints', () => {
    const options = { order: 'first change', save: () => 0, restore: () => undefined } as const
    expect(keyedState(stage(newRun(), 'aggregate'), options)).toBeUndefined()
  })

  it('saves the state of the keys changed since the last save, each once, as it is at the save', () => {
    const run = checkpointedRun()
    const values = new Map<unknown, number>()
    const saving = keyedState(stage(run, 'aggregate'), {
      order: 'first change',
      save: (key) => values.get(key),
      restore: () => undefined,
    })
    values.set('a', 1)
    saving?.changed('a')
    values.set('a', 2)
    saving?.changed('a')
    values.set(7n, 3)
    saving?.changed(7n)
    const operator = participant(run, 'aggregate')
    expect(operator.save()).toEqual([
      ['a', 2],
      [{ $: 'b', v: '7' }, 3],
    ])
    expect(operator.save()).toBeUndefined()
  })

  it('restores the keys in the order of their first change, or of their last', () => {
    for (const order of ['first change', 'last change'] as const) {
      const run = checkpointedRun()
      let restored: ReadonlyArray<readonly [unknown, unknown]> = []
      const saving = keyedState(stage(run, 'operator'), {
        order,
        save: (key) => `state of ${String(key)}`,
        restore: (entries) => {
          restored = entries
        },
      })
      const operator = participant(run, 'operator')
      const changes: unknown[] = []
      for (const batch of [['a', 'b', 'a'], ['c', 'b'], ['a']]) {
        for (const key of batch) saving?.changed(key)
        changes.push(operator.save())
      }
      operator.restore(JSON.parse(JSON.stringify(changes)) as unknown[])
      expect(restored.map(([key]) => key)).toEqual(
        order === 'first change' ? ['a', 'b', 'c'] : ['c', 'b', 'a'],
      )
    }
  })
})

describe('refuseCheckpoint', () => {
  it('makes the run fail at start, naming the stage and why', () => {
    const run = checkpointedRun()
    refuseCheckpoint(stage(run, 'aggregate'), 'keeps its groups')
    expect(checkpointsOf(run)?.verify('toCsv out.csv')?.message).toContain(
      'checkpoint: aggregate keeps its groups',
    )
  })

  it('does nothing in a run without checkpoints', () => {
    const run = newRun()
    refuseCheckpoint(stage(run, 'aggregate'), 'keeps its groups')
    expect(checkpointsOf(run)).toBeUndefined()
  })
})
