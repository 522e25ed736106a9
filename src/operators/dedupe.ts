import type { Operator } from '../core/Flow.js'
import { stageOperator, type StageApi } from '../internal/stageOperator.js'
import { detachValue, fieldsKey, type KeyValue } from '../internal/keys.js'

/**
 * Options of {@link dedupe}: the key, as `keys` (one field or several) or a `key` function.
 *
 * @category operators
 * @since 0.1.0
 */
export type DedupeOptions<A> = (
  | {
      /** The field or fields that make the key; several make a composite key. */
      readonly keys: (keyof A & string) | readonly (keyof A & string)[]
      readonly key?: never
    }
  | {
      /** Computes the key of a record, or names the one field that is the key. */
      readonly key: ((record: A) => string | number) | (keyof A & string)
      readonly keys?: never
    }
) & {
  /** Which record of each key survives (default `first`). */
  readonly keep?: 'first' | 'last'
  /** The stage name in the report and hooks (default `dedupe`). */
  readonly name?: string
}

/**
 * Removes duplicate records: records with the same key (`keys`: one field or several, compared
 * as a tuple so `['a,b', 'c']` and `['a', 'b,c']` differ; `key`: a function, or one field). Duplicates are
 * dropped and counted (reason `duplicate`).
 *
 * - `keep: 'first'` (default) emits the first record of each key as soon as it is seen.
 * - `keep: 'last'` keeps the latest record of each key in custody until the input completes, then
 *   emits the kept records in input order (the order of the kept records, not of the keys' first
 *   appearances); a record replaced by a later one is dropped then. Nothing is emitted before
 *   the input ends.
 *
 * Memory is proportional to the distinct keys (`first`: the keys; `last`: the keys and one
 * record each), reported as `details.distinctKeys`. Keys are copied before being kept, so a key
 * sliced from a large parsed chunk does not pin the chunk in memory. Primitive field values
 * compare as they are (the string `"1"` and the number 1 differ); a missing field equals `null`;
 * object values (Dates) compare by their JSON text.
 *
 * Failures pass through untouched and in order; a throwing `key` function makes that record a
 * `TransformError`. On unsubscribe the kept records are released to the run's end (counted as
 * dropped, reason `aborted`).
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, dedupe, toArray } from 'powerflow-etl'
 *
 * const contacts = [
 *   { email: 'ada@example.com', name: 'Ada' },
 *   { email: 'grace@example.com', name: 'Grace' },
 *   { email: 'ada@example.com', name: 'Ada Lovelace' },
 * ]
 * const first = await pipe(fromGenerator(contacts), dedupe({ keys: 'email' }), toArray())
 * console.assert(first.records.map((c) => c.name).join() === 'Ada,Grace')
 * const last = await pipe(fromGenerator(contacts), dedupe({ keys: ['email'], keep: 'last' }), toArray())
 * console.assert(last.records.map((c) => c.name).join() === 'Grace,Ada Lovelace')
 * console.assert(last.droppedByReason['duplicate'] === 1)
 * ```
 *
 * @param options - `keys` or `key`, and optionally `keep` and `name`
 * @returns an operator that passes on one record per key
 * @category operators
 * @since 0.1.0
 */
export function dedupe<A>(options: DedupeOptions<A>): Operator<A, A> {
  const name = options.name ?? 'dedupe'
  const fields = options.key ?? options.keys
  if (fields === undefined || (Array.isArray(fields) && fields.length === 0))
    throw new TypeError(`${name}: give the key as keys (field names) or key (a function or field)`)
  const keyOf =
    typeof fields === 'function'
      ? fields
      : (fieldsKey(typeof fields === 'string' ? [fields] : fields) as (record: A) => KeyValue)
  return options.keep === 'last' ? keepLast(name, keyOf) : keepFirst(name, keyOf)
}

function keepFirst<A>(name: string, keyOf: (record: A) => KeyValue): Operator<A, A> {
  return stageOperator<A, A>(name, (stage) => {
    let seen = new Set<KeyValue>()
    const report = (): void => {
      stage.stats.details = { distinctKeys: seen.size }
    }
    return {
      next(record) {
        const key = keyOf(record)
        if (seen.has(key)) {
          stage.drop('duplicate')
          return
        }
        seen.add(detachValue(key))
        stage.emit(record)
      },
      complete: report,
      teardown() {
        report()
        seen = new Set()
      },
    }
  })
}

function keepLast<A>(name: string, keyOf: (record: A) => KeyValue): Operator<A, A> {
  return stageOperator<A, A>(name, (stage) => {
    // Insertion order is the order of the kept records: a replaced entry is deleted and set anew,
    // under the key it was first stored with (detached; the new record's key may be a slice).
    let kept = new Map<KeyValue, { readonly key: KeyValue; record: A }>()
    let distinctKeys = 0
    const report = (): void => {
      stage.stats.details = { distinctKeys }
    }
    return {
      next(record) {
        const key = keyOf(record)
        stage.run.hold(1)
        const entry = kept.get(key)
        if (entry === undefined) {
          const stored = detachValue(key)
          kept.set(stored, { key: stored, record })
          distinctKeys += 1
          return
        }
        stage.stats.dropped += 1
        stage.run.settle('dropped', 1, 'duplicate', true)
        kept.delete(key)
        entry.record = record
        kept.set(entry.key, entry)
      },
      complete() {
        report()
        const records = [...kept.values()].map((entry) => entry.record)
        kept = new Map()
        return releaseKept(stage, records, 0)
      },
      teardown() {
        report()
        kept = new Map()
      },
    }
  })
}

/**
 * Emits the kept records out of custody one at a time, no faster than the run's budget allows,
 * as a source would: synchronously while there is budget, then after waiting for it. Records not
 * released yet stay in custody (dropped as aborted if the run stops).
 */
function releaseKept<A>(
  stage: StageApi<A>,
  records: readonly A[],
  from: number,
): void | Promise<void> {
  for (let index = from; index < records.length; index++) {
    if (stage.isClosed()) return
    if (!stage.run.hasCapacity())
      return stage.run.capacity().then(() => releaseKept(stage, records, index))
    stage.run.release(1)
    stage.emit(records[index] as A)
  }
}
