import type { StateStore } from '../../src/core/StateStore.js'
import { RunContext } from '../../src/internal/run/RunContext.js'
import { withRun } from '../../src/internal/run/currentRun.js'
import { RunState } from '../../src/internal/runState.js'

/** A store in memory, with the StateStore contract (values are copied as JSON). */
export function memoryStateStore(): StateStore {
  const entries = new Map<string, unknown>()
  return {
    get: async (key) => entries.get(key),
    put: async (key, value) => void entries.set(key, JSON.parse(JSON.stringify(value))),
    delete: async (key) => void entries.delete(key),
    list: async () => [...entries.keys()].sort(),
  }
}

/** A run context with the `state` option, and a way to run code inside it. */
export function runWithState(store: StateStore, key = 'job') {
  const run = new RunContext({
    name: 'test',
    highWaterMark: 10,
    highWaterBytes: Number.POSITIVE_INFINITY,
    failureCap: 10,
    stallTimeoutMs: 1_000,
    hooks: {},
  })
  run.state = new RunState({ store, key }, 'test')
  return {
    run,
    state: run.state,
    inside: <T>(body: () => T): T => withRun(run, body),
  }
}
