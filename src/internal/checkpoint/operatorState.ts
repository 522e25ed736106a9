/**
 * How operators take part in checkpoints: one whose state can be saved registers it (dedupe's
 * keys, saved as what was added since the last checkpoint), one whose state cannot refuses, so a
 * run with `checkpoint` fails at start naming it instead of resuming wrongly.
 *
 * @internal
 * @packageDocumentation
 */
import type { KeyValue } from '../keys.js'
import type { StageHandle } from '../run/StageHandle.js'

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
  checkpoints.registerOperator(stage, {
    save() {
      if (pending.length === 0) return undefined
      const keys = pending.map((key) => saveKey(stage, key))
      pending = []
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
      pending.push(key)
    },
  }
}
