/**
 * Where a pipeline keeps what it must remember between runs: the position each source got to (a
 * bookmark, a cursor, a byte offset). Values are JSON values; `put` replaces a key's value in one
 * atomic write, so a crash leaves either the old value or the new one, never a mix.
 *
 * A store that finds its own data corrupt or unreadable rejects with an error naming its file:
 * it never answers `undefined` for a key it cannot read, because a silent fresh start re-reads
 * (or, worse, skips) everything.
 *
 * @example
 * ```ts
 * import type { StateStore } from 'powerflow-etl'
 *
 * // A store in memory, for tests: the same contract as fileStateStore and sqliteStateStore.
 * const entries = new Map<string, unknown>()
 * const memory: StateStore = {
 *   async get(key) { return entries.get(key) },
 *   async put(key, value) { entries.set(key, structuredClone(value)) },
 *   async delete(key) { entries.delete(key) },
 *   async list() { return [...entries.keys()].sort() },
 * }
 * await memory.put('deals', { since: 42 })
 * console.assert((await memory.list())[0] === 'deals')
 * ```
 *
 * @see {@link fileStateStore}
 * @category state
 * @since 0.2.0
 */
export interface StateStore {
  /** The value kept under `key`, or `undefined` if there is none. Rejects if the store is unreadable. */
  get(key: string): Promise<unknown>
  /** Replaces the value under `key` in one atomic, durable write. */
  put(key: string, value: unknown): Promise<void>
  /** Removes `key` (nothing happens if it is not there). */
  delete(key: string): Promise<void>
  /** The keys the store holds, sorted. */
  list(): Promise<string[]>
}

/**
 * The `state` run option: the store, and the key under which this pipeline's positions are kept
 * (one key per pipeline; one store may hold many).
 *
 * @category state
 * @since 0.2.0
 */
export interface RunStateOptions {
  readonly store: StateStore
  readonly key: string
}
