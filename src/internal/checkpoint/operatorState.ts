/**
 * How operators take part in checkpoints: one whose state can be saved registers it (dedupe's
 * keys, saved as what was added since the last checkpoint; the records dedupe keeps and
 * aggregate's groups, saved as the state of the keys changed since), one whose state cannot
 * refuses, so a run with `checkpoint` fails at start naming it instead of resuming wrongly.
 *
 * @internal
 * @packageDocumentation
 */
import type { KeyValue } from '../keys.js'
import type { StageHandle } from '../run/StageHandle.js'
import { restoreValue, saveValue } from './savedValue.js'

/** What of its stage handle an operator shows its checkpoints: its name and its run's checkpoints. @internal */
export type CheckpointedStage = Pick<StageHandle, 'name' | 'checkpoints'>

/**
 * `stage` keeps state that checkpoints cannot save (`why`): a run with `checkpoint` fails at start,
 * naming it.
 *
 * @internal
 */
export function refuseCheckpoint(stage: CheckpointedStage, why: string): void {
  stage.checkpoints?.refuse(stage.name, why)
}

/** A key as JSON: strings, finite numbers, booleans and null as they are; the rest tagged. */
type SavedKey =
  string | number | boolean | null | { readonly t: 'u' | 'n' | 'b'; readonly v?: string }

function saveKey(stage: string, key: KeyValue): SavedKey {
  switch (typeof key) {
    case 'string':
    case 'boolean':
      return key
    case 'number':
      if (Object.is(key, -0)) return { t: 'n', v: '-0' }
      return Number.isFinite(key) ? key : { t: 'n', v: String(key) }
    case 'bigint':
      return { t: 'b', v: key.toString() }
    case 'undefined':
      return { t: 'u' }
    case 'symbol':
      throw new Error(
        `${stage}: checkpoint: a key function returned a symbol, which cannot be saved`,
      )
    default:
      return key
  }
}

function restoreKey(saved: SavedKey): KeyValue {
  if (saved === null || typeof saved !== 'object') return saved
  if (saved.t === 'u') return undefined
  if (saved.t === 'b') return BigInt(saved.v as string)
  return Number(saved.v)
}

/**
 * The saved state of a set of keys that only grows (dedupe keeping the first record of each):
 * `added` is told each new key, each checkpoint saves those added since the previous one.
 *
 * @internal
 */
export interface KeySetState {
  added(key: KeyValue): void
}

/**
 * Registers a growing key set with the run's checkpoints, if it takes any: `restore` receives
 * the keys of the checkpoint resumed from.
 *
 * @internal
 */
export function keySetState(
  handle: CheckpointedStage,
  restore: (keys: KeyValue[]) => void,
): KeySetState | undefined {
  const checkpoints = handle.checkpoints
  if (checkpoints === undefined) return undefined
  const stage = handle.name
  let pending: KeyValue[] = []
  // Strings are saved as they are: only a change holding another kind of key is mapped.
  let onlyStrings = true
  checkpoints.registerOperator(stage, {
    save() {
      if (pending.length === 0) return undefined
      const keys = onlyStrings ? pending : pending.map((key) => saveKey(stage, key))
      pending = []
      onlyStrings = true
      return keys
    },
    restore(changes) {
      const keys: KeyValue[] = []
      for (const change of changes)
        for (const saved of change as SavedKey[]) keys.push(restoreKey(saved))
      restore(keys)
    },
  })
  return {
    added(key) {
      if (typeof key !== 'string') onlyStrings = false
      pending.push(key)
    },
  }
}

/** Which position a changed key takes in the saved order. */
export type KeyedOrder = 'first change' | 'last change'

/** How an operator that keeps state by key takes part in checkpoints ({@link keyedState}). @internal */
export interface KeyedStateOptions {
  /**
   * The order the operator keeps its keys in, which a resume must rebuild: by the first change
   * of each key (aggregate's groups, in the order first seen) or by the last (dedupe keeping
   * the last record: a replaced record moves to the end).
   */
  readonly order: KeyedOrder
  /** The key's state now, as JSON (see `saveValue`); throws for state that cannot be saved. */
  readonly save: (key: unknown) => unknown
  /** Rebuilds the state from the saved keys and states, in the operator's order. */
  readonly restore: (entries: ReadonlyArray<readonly [unknown, unknown]>) => void
  /** Records the operator holds in custody now (saved with its state). */
  readonly held?: () => number
}

/**
 * The saved state of an operator that keeps state by key (aggregate's groups, the records dedupe
 * keeps): `changed` is told each key whose state changed, each checkpoint saves the state of
 * those changed since the previous one. A resume replays them in order.
 *
 * @internal
 */
export interface KeyedState {
  changed(key: unknown): void
}

/**
 * Registers an operator's state by key with the run's checkpoints, if it takes any.
 *
 * @internal
 */
export function keyedState(
  handle: CheckpointedStage,
  options: KeyedStateOptions,
): KeyedState | undefined {
  const checkpoints = handle.checkpoints
  if (checkpoints === undefined) return undefined
  const stage = handle.name
  const where = `${stage}: checkpoint`
  const last = options.order === 'last change'
  let changed = new Set<unknown>()
  checkpoints.registerOperator(stage, {
    save() {
      if (changed.size === 0) return undefined
      const entries: unknown[] = []
      for (const key of changed) entries.push([saveValue(key, where), options.save(key)])
      changed = new Set()
      return entries
    },
    restore(changes) {
      const state = new Map<unknown, unknown>()
      for (const change of changes)
        for (const [savedKey, saved] of change as Array<[unknown, unknown]>) {
          const key = restoreValue(savedKey)
          if (last) state.delete(key)
          state.set(key, saved)
        }
      options.restore([...state])
    },
    ...(options.held === undefined ? {} : { held: options.held }),
  })
  return {
    changed: last
      ? (key) => {
          changed.delete(key)
          changed.add(key)
        }
      : (key) => {
          changed.add(key)
        },
  }
}
