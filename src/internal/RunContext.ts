/**
 * Transitional: the run context now lives in `./run/` (one concern a module). This file
 * re-exports what the sink files still import from here; it goes once they use the stage handle.
 *
 * @internal
 * @packageDocumentation
 */
export { RunContext, type RunSettings } from './run/RunContext.js'
export { RunStop } from './run/RunStop.js'
export { StageStats } from './run/StageStats.js'
export type { Outcome } from './run/Ledger.js'
export type { DeadLetterChannel, PolicyConfig } from './run/FailurePolicy.js'
export { IN_FLIGHT_PATIENCE, MIN_IN_FLIGHT_PATIENCE_MS } from './run/Budget.js'
export { currentRun, outsideRun, withRun } from './run/currentRun.js'
