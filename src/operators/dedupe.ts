import type { Operator } from '../core/Flow.js'
import { stageOperator, type StageApi } from '../internal/stageOperator.js'
import { detachValue, fieldsKey, type KeyValue } from '../internal/keys.js'
import { compileDateFormat } from '../internal/dateFormat.js'
import { describeValue } from '../internal/describeValue.js'
import { DateFromString } from '../codecs/DateFromString.js'
import { keyedState, keySetState } from '../internal/checkpoint/operatorState.js'
import { restoreValue, saveValue } from '../internal/checkpoint/savedValue.js'

/**
 * Options of {@link dedupe}: the key, as `keys` (one field or several) or a `key` function; which
 * record of each key survives, by file order (`keep`) or by a field's value (`latestBy`).
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
) &
  (DedupeKeepOptions | DedupeLatestByOptions<A>) & {
    /** The stage name in the report and hooks (default `dedupe`). */
    readonly name?: string
  }

/**
 * Which record of each key {@link dedupe} keeps by file order.
 *
 * @category operators
 * @since 0.2.0
 */
export interface DedupeKeepOptions {
  /**
   * `first` (default): the first record of each key in input order. `last`: the last in input
   * (file) order — not the most recent by any date; for that, see `latestBy`.
   */
  readonly keep?: 'first' | 'last'
  readonly latestBy?: never
  readonly compare?: never
  readonly dateFormat?: never
}

/**
 * Which record of each key {@link dedupe} keeps by a field's value: the greatest.
 *
 * @category operators
 * @since 0.2.0
 */
export type DedupeLatestByOptions<A> = {
  readonly [F in keyof A & string]: {
    /**
     * Keep the record with the greatest value of this field (`'updated_at'`): numbers, Dates
     * and ISO 8601 strings compare as they are; other strings need `dateFormat` or `compare`.
     * Ties and records without a value (missing, null or `''`) are decided by file order, the
     * later wins; a record with a value always beats one without.
     */
    readonly latestBy: F
    /** Orders two values of the field (negative, zero, positive, as for `Array.prototype.sort`). */
    readonly compare?: (a: NonNullable<A[F]>, b: NonNullable<A[F]>) => number
    /** The field holds dates as text in this format (`'DD.MM.YYYY'`; see `DateFromFormat`). */
    readonly dateFormat?: string
    readonly keep?: never
  }
}[keyof A & string]

/**
 * Removes duplicate records: records with the same key (`keys`: one field or several, compared
 * as a tuple so `['a,b', 'c']` and `['a', 'b,c']` differ; `key`: a function, or one field). Duplicates are
 * dropped and counted (reason `duplicate`).
 *
 * - `keep: 'first'` (default) emits the first record of each key as soon as it is seen.
 * - `keep: 'last'` keeps the **last record of each key in file (input) order** — not the most
 *   recent by any date in the records — in custody until the input completes, then emits the
 *   kept records in input order (the order of the kept records, not of the keys' first
 *   appearances); a record replaced by a later one is dropped then. Nothing is emitted before
 *   the input ends.
 * - `latestBy: 'updated_at'` keeps the record with the **greatest value of that field** instead,
 *   in custody likewise: numbers, Dates and ISO 8601 strings compare as they are; dates written
 *   otherwise need `dateFormat: 'MM/DD/YYYY'` (the tokens of `DateFromFormat`) or a `compare`
 *   function. Ties, and records without a value (missing, null, `''`), go by file order: the
 *   later wins, and a record with a value always beats one without. A value that cannot be
 *   ordered makes that record a `TransformError` naming the field and the value.
 *
 * The kept records go out at the end no faster than the run's budget allows, as a source's
 * would. Memory is proportional to the distinct keys (`first`: the keys; `last` and `latestBy`:
 * the keys and one record each), reported as `details.distinctKeys` (not in `maxInFlight`, which
 * counts the records under the budget). Keys are copied before being kept, so a key
 * sliced from a large parsed chunk does not pin the chunk in memory. Primitive field values
 * compare as they are (the string `"1"` and the number 1 differ); a missing field equals `null`;
 * object values (Dates) compare by their JSON text.
 *
 * Failures pass through untouched and in order; a throwing `key` function makes that record a
 * `TransformError`. On unsubscribe the kept records are released to the run's end (counted as
 * dropped, reason `aborted`).
 *
 * With the `checkpoint` run option, each checkpoint saves what changed since the last: the new
 * keys (`first`), or the records kept now under the keys that changed (`last`, `latestBy`; they
 * must be JSON data, Dates and bigints included); a run resumed with `resume: true` restores
 * them, so its output is the uninterrupted run's.
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
 *
 * const deals = [
 *   { id: 'D1', stage: 'won', updated_at: '03/02/2024' },
 *   { id: 'D1', stage: 'open', updated_at: '01/15/2024' },
 * ]
 * const latest = await pipe(
 *   fromGenerator(deals),
 *   dedupe({ keys: 'id', latestBy: 'updated_at', dateFormat: 'MM/DD/YYYY' }),
 *   toArray(),
 * )
 * console.assert(latest.records[0]?.stage === 'won')
 * ```
 *
 * @param options - `keys` or `key`, and optionally `keep` or `latestBy` (with `compare` or
 *   `dateFormat`), and `name`
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
  if (options.latestBy !== undefined)
    return keepLast(name, keyOf, latestBy<A>(options as unknown as LatestBy<A>))
  return options.keep === 'last'
    ? keepLast(name, keyOf, FILE_ORDER as Ordering<A>)
    : keepFirst(name, keyOf)
}

function keepFirst<A>(name: string, keyOf: (record: A) => KeyValue): Operator<A, A> {
  return stageOperator<A, A>(name, (stage) => {
    let seen = new Set<KeyValue>()
    // With checkpoints, the keys are saved (and restored on resume).
    const saved = keySetState(stage, (keys) => {
      seen = new Set(keys)
    })
    const report = (): void => {
      stage.setDetails({ distinctKeys: seen.size })
    }
    return {
      next(record) {
        const key = keyOf(record)
        if (seen.has(key)) {
          stage.drop('duplicate')
          return
        }
        const stored = detachValue(key)
        seen.add(stored)
        saved?.added(stored)
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

function keepLast<A>(
  name: string,
  keyOf: (record: A) => KeyValue,
  ordering: Ordering<A>,
): Operator<A, A> {
  return stageOperator<A, A>(name, (stage) => {
    // Insertion order is the order of the kept records: a replaced entry is deleted and set anew,
    // under the key it was first stored with (detached; the new record's key may be a slice).
    let kept = new Map<KeyValue, { readonly key: KeyValue; record: A; rank: unknown }>()
    let distinctKeys = 0
    // With checkpoints, the kept records changed since the last one are saved (and restored in
    // their order on resume, their rank worked out again).
    const saved = keyedState(stage, {
      order: 'last change',
      save: (key) =>
        saveValue(kept.get(key as KeyValue)?.record, `${stage.name}: checkpoint: a kept record`),
      restore(entries) {
        kept = new Map()
        for (const [key, record] of entries) {
          const restored = restoreValue(record) as A
          kept.set(key as KeyValue, {
            key: key as KeyValue,
            record: restored,
            rank: ordering.rank(restored),
          })
        }
        distinctKeys = kept.size
      },
      held: () => kept.size,
    })
    const report = (): void => {
      stage.setDetails({ distinctKeys })
    }
    return {
      next(record) {
        const key = keyOf(record)
        // Both may throw (a value latestBy cannot order): before custody, so the record fails.
        const rank = ordering.rank(record)
        const entry = kept.get(key)
        if (entry !== undefined && !ordering.replaces(rank, entry.rank)) {
          stage.drop('duplicate')
          return
        }
        stage.hold()
        if (entry === undefined) {
          const stored = detachValue(key)
          kept.set(stored, { key: stored, record, rank })
          saved?.changed(stored)
          distinctKeys += 1
          return
        }
        stage.dropHeld('duplicate')
        kept.delete(key)
        entry.record = record
        entry.rank = rank
        kept.set(entry.key, entry)
        saved?.changed(entry.key)
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
    if (!stage.hasCapacity()) return stage.capacity().then(() => releaseKept(stage, records, index))
    stage.release()
    stage.emit(records[index] as A)
  }
}

/** How keep-last decides between two records of one key. */
interface Ordering<A> {
  /** What a record is ordered by; throws for a value that cannot be ordered. */
  readonly rank: (record: A) => unknown
  /** Whether a later record ranked `candidate` replaces the kept one ranked `kept`. */
  readonly replaces: (candidate: unknown, kept: unknown) => boolean
}

/** `keep: 'last'`: the later record always wins. */
const FILE_ORDER: Ordering<unknown> = { rank: () => undefined, replaces: () => true }

/** A record without a value of the `latestBy` field. */
const NO_VALUE = Symbol('no value')

interface LatestBy<A> {
  readonly latestBy: keyof A & string
  readonly compare?: (a: unknown, b: unknown) => number
  readonly dateFormat?: string
  readonly name?: string
}

/** `latestBy`: the greatest value wins; ties and records without a value go by file order. */
function latestBy<A>(options: LatestBy<A>): Ordering<A> {
  const field = options.latestBy
  const owner = `${options.name ?? 'dedupe'}: latestBy ${field}`
  if (options.compare !== undefined && options.dateFormat !== undefined)
    throw new TypeError(`${owner}: give compare or dateFormat, not both`)
  const format =
    options.dateFormat === undefined ? undefined : compileDateFormat(options.dateFormat, owner)
  const compare = options.compare
  const rank = (record: A): unknown => {
    // Never a member inherited from Object.prototype (`constructor`) for a missing field.
    const inherited = !Object.hasOwn(record as object, field) && field in Object.prototype
    const value: unknown = inherited ? undefined : (record as Record<string, unknown>)[field]
    if (value === undefined || value === null || value === '') return NO_VALUE
    if (compare !== undefined) return value
    if (typeof value === 'number' && !Number.isNaN(value)) return value
    if (typeof value === 'bigint') return value
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime()
    if (typeof value === 'string') {
      const date = format === undefined ? isoDate(value) : format.parse(value)
      if (date !== undefined) return date.getTime()
      if (format !== undefined)
        throw new Error(
          `latestBy ${field}: ${JSON.stringify(value)} is not a date as ${format.format}`,
        )
    }
    throw new Error(
      `latestBy ${field}: cannot order ${describeValue(value)}: not a number, a Date or an ISO 8601 date; ` +
        "give dateFormat (such as 'MM/DD/YYYY') or compare",
    )
  }
  const replaces = (candidate: unknown, kept: unknown): boolean => {
    if (candidate === NO_VALUE) return kept === NO_VALUE
    if (kept === NO_VALUE) return true
    if (compare === undefined) return (candidate as number) >= (kept as number)
    const order = compare(candidate, kept)
    if (typeof order !== 'number' || Number.isNaN(order))
      throw new Error(`latestBy ${field}: compare returned ${String(order)}, not a number`)
    return order >= 0
  }
  return { rank, replaces }
}

function isoDate(text: string): Date | undefined {
  const decoded = DateFromString.decode(text)
  return decoded._tag === 'Right' ? decoded.right : undefined
}
