/**
 * A state write in two steps, for checkpoints. `stage` writes the new value where a crash leaves
 * it unseen — `fileStateStore` writes and fsyncs its temporary file — while the sink makes its
 * own part durable; `commit` then makes it the store's value (the rename), once the sink's part
 * is durable. So the position can never be ahead of the output, yet the state's fsync no longer
 * waits for the output's.
 *
 * A store without this hook (a user's own, `sqliteStateStore`) is staged as nothing and committed
 * with its ordinary `put`.
 *
 * @internal
 * @packageDocumentation
 */
import type { StateStore } from '../../core/StateStore.js'

/** The hook a store implements to be written in two steps. @internal */
export const STAGE_PUT: unique symbol = Symbol('powerflow.stagePut')

/** How a staged value is committed. @internal */
export interface StagedPutOptions {
  /**
   * The commit must be durable when it resolves (the run's last checkpoint, before its output is
   * committed). Otherwise a power cut may undo the commit, leaving the previous value — for a
   * checkpoint, the previous checkpoint, which stays consistent with the files it names.
   */
  readonly durable: boolean
}

/** A value staged for `key`. Exactly one of `commit` and `abandon` must be called. @internal */
export interface StagedPut {
  /** Resolves once the value is staged; rejects if it cannot be (then call `abandon`). */
  readonly ready: Promise<void>
  /** Makes the staged value the key's value. */
  commit(): Promise<void>
  /** Drops the staged value; the key keeps its value. Never rejects. */
  abandon(): Promise<void>
}

/** A store written in two steps. @internal */
export interface StagingStore {
  [STAGE_PUT](key: string, value: unknown, options: StagedPutOptions): StagedPut
}

/** Stages `value` for `key` in `store`: in two steps where the store can, else as one `put`. @internal */
export function stagePut(
  store: StateStore,
  key: string,
  value: unknown,
  options: StagedPutOptions,
): StagedPut {
  const staging = (store as Partial<StagingStore>)[STAGE_PUT]
  if (typeof staging === 'function') return staging.call(store, key, value, options)
  return {
    ready: Promise.resolve(),
    commit: () => store.put(key, value),
    abandon: () => Promise.resolve(),
  }
}
