/**
 * How a stage finds its run: the sink enters the run's context (an AsyncLocalStorage) when it
 * subscribes, so a stage that subscribes to its input later (after a timer, a promise, a lookup
 * table's load) still finds its run.
 *
 * @internal
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { RunContext } from './RunContext.js'

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
