import { asyncScheduler, interval, type SchedulerLike, type Subscription } from 'rxjs'
import type { Operator } from '../core/Flow.js'
import { describeError, type Failure } from '../core/Failure.js'
import { stageOperator } from '../internal/stageOperator.js'
import {
  keyedState,
  refuseCheckpoint,
  type CheckpointedStage,
  type KeyedState,
} from '../internal/checkpoint/operatorState.js'
import { restoreValue, saveValue } from '../internal/checkpoint/savedValue.js'
import { detachValue, fieldsKey, type KeyValue } from '../internal/keys.js'
import { setOwn } from '../internal/setOwn.js'
import {
  accumulatorFactory,
  FieldValue,
  type Accumulator,
  type CustomDefinition,
} from '../internal/aggregate/measures.js'

/**
 * The built-in measures of {@link aggregate}.
 *
 * @category operators
 * @since 0.1.0
 */
export type BuiltInMeasure =
  'sum' | 'count' | 'avg' | 'min' | 'max' | 'countDistinct' | 'first' | 'last'

/**
 * A measure of your own for {@link aggregate}: made with {@link reducer}. Its output key is
 * `<field>_<name>`.
 *
 * @category operators
 * @since 0.1.0
 */
export interface Reducer<Name extends string, Acc, Out = Acc, R = any> {
  readonly name: Name
  /** A fresh accumulator for each group (a factory, so groups never share a mutable one). */
  readonly initial: () => Acc
  /** Folds one value (as it is: null, undefined and blank ones too) and its record. */
  readonly reduce: (acc: Acc, value: unknown, record: R) => Acc
  /** Turns the accumulator into the output value (default: the accumulator itself). */
  readonly result?: (acc: Acc) => Out
}

/**
 * A measure of one field: a built-in name or a {@link Reducer}.
 *
 * @category operators
 * @since 0.1.0
 */
export type Measure = BuiltInMeasure | Reducer<string, any, any, any>

/**
 * What {@link aggregate} groups by: a field, several fields, or a key function.
 *
 * @category operators
 * @since 0.1.0
 */
export type GroupBy<A> =
  | (keyof A & string)
  | readonly (keyof A & string)[]
  | ((record: A) => string | number | boolean | null | undefined)

/**
 * The measures of {@link aggregate}: for each field, one measure or several.
 *
 * @category operators
 * @since 0.1.0
 */
export type Measures<A> = {
  readonly [F in keyof A & string]?: Measure | readonly Measure[]
}

/**
 * A window of {@link aggregate} for unbounded streams: emit the groups every `count` input
 * records, or every `ms` milliseconds, then start afresh.
 *
 * @category operators
 * @since 0.1.0
 */
export type AggregateWindow = { readonly count: number } | { readonly ms: number }

/**
 * Options of {@link aggregate}.
 *
 * @category operators
 * @since 0.1.0
 */
export interface AggregateOptions<A, G extends GroupBy<A>, M extends Measures<A>, N> {
  /** A field, fields, or a key function (rows are then `{ key, ...measures }`). */
  readonly groupBy: G
  /** For each field, its measure or measures; outputs are named `<field>_<measure>`. */
  readonly measures: M
  /** New names for outputs: `{ revenue_sum: 'revenue' }`. */
  readonly names?: N
  /** Emit partial aggregates per window instead of once at the end. */
  readonly window?: AggregateWindow
  /** The scheduler of `window: { ms }` (default rxjs's `asyncScheduler`). */
  readonly scheduler?: SchedulerLike
  /** The stage name in the report and hooks (default `aggregate`). */
  readonly name?: string
}

/**
 * The name a measure gives its column: the built-in measure's name (`'sum'`), or a
 * {@link Reducer}'s `name`.
 *
 * @category operators
 * @since 0.2.0
 */
export type MeasureName<S> = S extends string ? S : S extends { readonly name: infer N } ? N : never

/**
 * The value of a `min` or `max` over a field of type `V`: a number, a Date or a string (or a
 * number for mixed text), `null` for a group without values.
 *
 * @category operators
 * @since 0.2.0
 */
export type ExtremeValue<V> = [V] extends [number]
  ? number | null
  : [V] extends [Date]
    ? Date | null
    : [V] extends [string]
      ? number | string | null
      : number | string | Date | null

/**
 * The value of measure `S` over a field of type `V`: a number for `sum`, `count` and
 * `countDistinct`, `number | null` for `avg`, the field's type for `min`, `max`, `first` and `last`,
 * a {@link Reducer}'s output type.
 *
 * @category operators
 * @since 0.2.0
 */
export type MeasureValue<V, S> = S extends 'sum' | 'count' | 'countDistinct'
  ? number
  : S extends 'avg'
    ? number | null
    : S extends 'min' | 'max'
      ? ExtremeValue<NonNullable<V>>
      : S extends 'first' | 'last'
        ? NonNullable<V> | null
        : S extends Reducer<string, any, infer O, any>
          ? O
          : never

/**
 * The pairs of field and measure of a {@link Measures} object, one for each measure of each field.
 *
 * @category operators
 * @since 0.2.0
 */
export type MeasurePairs<M> = {
  [F in keyof M & string]: M[F] extends readonly (infer S)[]
    ? S extends unknown
      ? [F, S]
      : never
    : [F, M[F]]
}[keyof M & string]

/**
 * The measure columns of an {@link AggregateRow}: `<field>_<measure>` for each measure.
 *
 * @category operators
 * @since 0.1.0
 */
export type MeasureRow<A, M> = {
  [P in MeasurePairs<M> as `${P[0]}_${MeasureName<P[1]> & string}`]: MeasureValue<
    P[0] extends keyof A ? A[P[0]] : unknown,
    P[1]
  >
}

/**
 * The group columns of an {@link AggregateRow}: the `groupBy` fields, or `key` for a key function.
 *
 * @category operators
 * @since 0.1.0
 */
export type GroupRow<A, G> = G extends (record: A) => infer K
  ? { key: K }
  : G extends readonly (infer F extends keyof A)[]
    ? Pick<A, F>
    : G extends keyof A
      ? Pick<A, G>
      : never

/**
 * `R` with its keys renamed by the map `N` (the `names` option of {@link aggregate}).
 *
 * @category operators
 * @since 0.1.0
 */
export type Renamed<R, N> = {
  [K in keyof R as K extends keyof N ? (N[K] extends string ? N[K] : K) : K]: R[K]
}

/**
 * The rows {@link aggregate} emits: the group's fields (or `key`) and `<field>_<measure>` for each
 * measure, renamed by `names`.
 *
 * @category operators
 * @since 0.1.0
 */
export type AggregateRow<A, G, M, N = {}> = Renamed<GroupRow<A, G> & MeasureRow<A, M>, N>

/**
 * Makes a measure of your own for {@link aggregate}, typed from its parts.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, aggregate, reducer, toArray } from 'powerflow-etl'
 *
 * const longest = reducer({
 *   name: 'longest',
 *   initial: () => '',
 *   reduce: (acc, value) => (typeof value === 'string' && value.length > acc.length ? value : acc),
 * })
 * const report = await pipe(
 *   fromGenerator([{ team: 'a', name: 'Ada' }, { team: 'a', name: 'Grace' }]),
 *   aggregate({ groupBy: 'team', measures: { name: longest } }),
 *   toArray(),
 * )
 * console.assert(report.records[0]?.name_longest === 'Grace')
 * ```
 *
 * @param definition - `name` (the output is `<field>_<name>`), `initial` (a factory), `reduce`, and
 * optionally `result` to finish the accumulator
 * @returns the measure, to use in `measures`
 * @category operators
 * @since 0.1.0
 */
export function reducer<const Name extends string, Acc, Out = Acc, R = any>(
  definition: Reducer<Name, Acc, Out, R>,
): Reducer<Name, Acc, NoInfer<Out>, R> {
  // NoInfer: without `result`, Out must default to Acc, not be inferred from where it is used.
  return definition
}

interface MeasureDefinition {
  readonly field: string
  /** Where `field` is in the list of measured fields, whose values are read once per record. */
  readonly fieldIndex: number
  readonly output: string
  readonly make: () => Accumulator
}

interface Group {
  /** The key it is stored under (detached from the input). */
  readonly key: unknown
  readonly head: Record<string, unknown>
  readonly accumulators: Accumulator[]
}

/**
 * Groups records and computes measures per group: `sum`, `count`, `avg`, `min`, `max`,
 * `countDistinct`, `first`, `last` and reducers of your own ({@link reducer}). Rows are
 * `{ ...groupFields, <field>_<measure>: value }` (`{ key, ... }` with a key function), renamed by
 * `names`, in the order their groups were first seen, when the input completes — or per `window`
 * for unbounded streams (`{ count: n }` every n input records, failing ones included; `{ ms: t }`
 * every t ms on `scheduler`), each window starting afresh; empty windows emit nothing.
 *
 * Values: null, undefined and blank strings are skipped (`count` counts the other values; `sum`
 * of nothing is 0, `avg`, `min`, `max`, `first`, `last` of nothing are null). Numeric strings are
 * numbers (`"12.5"`, `"-3e2"`; not `"1,000"` or `"0x10"`). A record whose `sum`/`avg` value is not
 * a number becomes a `Left` ValidationError naming field and value (`revenue: expected a number,
 * got "abc"`) and counts toward none of its group's measures — never a silent NaN. `min`/`max`
 * compare numbers and numeric strings as numbers (a number); a group with a non-numeric string
 * compares its strings as text in code-unit order (a string; ISO dates sort right); Dates by
 * time (the Date); a record mixing kinds that do not compare fails the same way. `countDistinct`
 * compares values as they are (the string `"1"` and the number 1 are two values). Reducers see
 * every value, blanks included. Records lacking a groupBy field form the group of `null` (several
 * fields and object values are compared by their JSON text).
 *
 * Accounting: each folded record counts as `merged`, when it is folded (so aggregate never holds
 * the run's budget); each row emitted counts as `created`. Memory: one accumulator per group and
 * measure (`countDistinct` also keeps the group's distinct values), nothing per record; the stage
 * reports `details.groups`, the rows emitted. Failures pass through untouched and in order; a
 * throwing key function or reducer makes that record a `TransformError`. On unsubscribe the
 * groups are discarded and the window timer stopped.
 *
 * With the `checkpoint` run option, each checkpoint saves the groups changed since the last, and
 * a run resumed with `resume: true` restores them. A reducer's accumulator must then be JSON data
 * (Dates and bigints too): one that starts as something else (a Set) is refused at start, one
 * that becomes something else fails the checkpoint, naming the stage and the reducer. A
 * windowed aggregate is refused.
 *
 * @example
 * ```ts
 * import { pipe, fromGenerator, aggregate, toArray } from 'powerflow-etl'
 *
 * const report = await pipe(
 *   fromGenerator([
 *     { region: 'EU', revenue: '100', id: '1' },
 *     { region: 'US', revenue: '50', id: '2' },
 *     { region: 'EU', revenue: '25.5', id: '3' },
 *   ]),
 *   aggregate({ groupBy: ['region'], measures: { revenue: ['sum', 'avg'], id: 'count' } }),
 *   toArray(),
 * )
 * console.assert(report.records[0]?.revenue_sum === 125.5 && report.records[0]?.id_count === 2)
 * console.assert(report.merged === 3 && report.created === 2)
 * ```
 *
 * @param options - `groupBy`, `measures`, and optionally `names`, `window`, `scheduler`, `name`
 * @returns an operator from records to group rows
 * @category operators
 * @since 0.1.0
 */
export function aggregate<
  A,
  const G extends GroupBy<A>,
  const M extends Measures<A>,
  const N extends { readonly [K in keyof AggregateRow<A, G, M>]?: string } = {},
>(options: AggregateOptions<A, G, M, N>): Operator<A, AggregateRow<A, G, M, N>> {
  const name = options.name ?? 'aggregate'
  const { fields: measuredFields, definitions } = measureDefinitions(
    options.measures as Record<string, Measure | readonly Measure[] | undefined>,
    (options.names ?? {}) as Record<string, string | undefined>,
  )
  const groupBy = options.groupBy as GroupBy<object>
  const window = options.window
  if (window !== undefined) {
    const size = 'count' in window ? window.count : window.ms
    if (!(size > 0))
      throw new RangeError(`${name}: window ${'count' in window ? 'count' : 'ms'} must be above 0`)
  }

  return stageOperator<A, AggregateRow<A, G, M, N>>(name, (stage) => {
    const keyOf: (record: object) => unknown =
      typeof groupBy === 'function' ? groupBy : ownFieldsKey(groupFields(groupBy))
    const headOf =
      typeof groupBy === 'function'
        ? (key: unknown): Record<string, unknown> => ({ key })
        : (_key: unknown, record: object): Record<string, unknown> => {
            const head: Record<string, unknown> = {}
            for (const field of groupFields(groupBy))
              setOwn(head, field, detachValue(readOwn(record, field) ?? null))
            return head
          }
    // Field names that are also Object.prototype's (`constructor`, `__proto__`) are read as the
    // record's own properties only; the others as they are (getters of class instances too).
    const readsOwn = measuredFields.some(isPrototypeName)
    // One per measured field, reused from record to record: a record is folded in one go.
    const inputs = measuredFields.map(() => new FieldValue())
    let groups = new Map<unknown, Group>()
    let emitted = 0
    let sinceFlush = 0
    let timer: Subscription | undefined
    const saved = groupsState(stage, window, definitions, {
      get: (key) => groups.get(key),
      set(restored) {
        groups = new Map()
        for (const group of restored) groups.set(group.key, group)
      },
    })

    /** The group's row, or the failure of the measure whose `result` threw. */
    const rowOf = (
      group: Group,
    ): { readonly row: Record<string, unknown> } | { readonly failure: Failure } => {
      const row: Record<string, unknown> = {}
      for (const [field, value] of Object.entries(group.head)) setOwn(row, field, value)
      for (let index = 0; index < definitions.length; index++) {
        const definition = definitions[index] as MeasureDefinition
        try {
          setOwn(row, definition.output, (group.accumulators[index] as Accumulator).result())
        } catch (error) {
          const failure = stage.failure('TransformError', {
            reason: `the group ${describeGroup(group.head)}: ${definition.output}: the measure's result threw: ${describeError(error)}`,
            cause: error,
            record: group.head,
          })
          return { failure }
        }
      }
      return { row }
    }

    const flush = (): void => {
      const current = groups
      groups = new Map()
      for (const group of current.values()) {
        if (stage.isClosed()) break
        const made = rowOf(group)
        emitted += 1
        stage.create()
        if ('failure' in made) stage.fail(made.failure)
        else stage.emit(made.row as AggregateRow<A, G, M, N>)
      }
      stage.setDetails({ groups: emitted })
    }

    const fold = (record: A): void => {
      const key = keyOf(record as object)
      const existing = groups.get(key)
      const accumulators = existing?.accumulators ?? definitions.map((d) => d.make())
      for (let index = 0; index < inputs.length; index++) {
        const field = measuredFields[index] as string
        ;(inputs[index] as FieldValue).read(
          readsOwn ? readOwn(record as object, field) : (record as Record<string, unknown>)[field],
        )
      }
      // Most records fold cleanly: the lists of problems are made only for one that does not.
      let problems: string[] | undefined
      let fields: string[] | undefined
      for (let index = 0; index < definitions.length; index++) {
        const definition = definitions[index] as MeasureDefinition
        const input = inputs[definition.fieldIndex] as FieldValue
        const problem = (accumulators[index] as Accumulator).check(input, record)
        if (problem === undefined) continue
        problems ??= []
        fields ??= []
        if (problems.includes(problem)) continue
        problems.push(problem)
        if (!fields.includes(definition.field)) fields.push(definition.field)
      }
      if (problems !== undefined) {
        stage.fail(
          stage.failure('ValidationError', {
            reason: problems.join('; '),
            record,
            details: { fields },
          }),
        )
        return
      }
      for (const accumulator of accumulators) accumulator.commit()
      if (existing === undefined) {
        const stored = detachValue(key)
        groups.set(stored, { key: stored, head: headOf(stored, record as object), accumulators })
        saved?.changed(stored)
      } else saved?.changed(existing.key)
      stage.merge()
    }

    if (window !== undefined && 'ms' in window)
      timer = interval(window.ms, options.scheduler ?? asyncScheduler).subscribe(flush)

    return {
      next(record) {
        try {
          fold(record)
        } finally {
          if (window !== undefined && 'count' in window && ++sinceFlush >= window.count) {
            sinceFlush = 0
            flush()
          }
        }
      },
      complete() {
        timer?.unsubscribe()
        flush()
      },
      teardown() {
        timer?.unsubscribe()
        groups = new Map()
      },
    }
  })
}

/** What a group's state is saved as in a checkpoint: its head and its accumulators. */
interface SavedGroup {
  readonly head: unknown
  readonly accumulators: readonly unknown[]
}

/**
 * With checkpoints, the groups changed since the last one are saved, and restored on resume in
 * the order first seen. A windowed aggregate, whose groups go out during the run, and reducers
 * whose fresh accumulator cannot be saved refuse at start; an accumulator that later cannot be
 * saved fails the checkpoint, naming the stage and the reducer.
 */
function groupsState(
  stage: CheckpointedStage,
  window: AggregateWindow | undefined,
  definitions: readonly MeasureDefinition[],
  groups: { get(key: unknown): Group | undefined; set(groups: readonly Group[]): void },
): KeyedState | undefined {
  if (stage.checkpoints === undefined) return undefined
  if (window !== undefined) {
    refuseCheckpoint(
      stage,
      'with a window emits its groups during the run, which checkpoints do not save',
    )
    return undefined
  }
  for (const definition of definitions)
    try {
      definition.make().save(`the measure ${definition.output}`)
    } catch (error) {
      refuseCheckpoint(stage, `cannot be checkpointed: ${describeError(error)}`)
      return undefined
    }
  const where = `${stage.name}: checkpoint`
  return keyedState(stage, {
    order: 'first change',
    save(key) {
      const group = groups.get(key) as Group
      return {
        head: saveValue(group.head, where),
        accumulators: group.accumulators.map((accumulator) => accumulator.save(where)),
      } satisfies SavedGroup
    },
    restore(entries) {
      groups.set(
        entries.map(([key, value]) => {
          const saved = value as SavedGroup
          const accumulators = definitions.map((definition, index) => {
            const accumulator = definition.make()
            accumulator.restore(saved.accumulators[index])
            return accumulator
          })
          return { key, head: restoreValue(saved.head) as Record<string, unknown>, accumulators }
        }),
      )
    },
  })
}

/** Whether `field` names a property every plain object inherits (`constructor`, `__proto__`). */
function isPrototypeName(field: string): boolean {
  return field in Object.prototype
}

/** The record's own value of `field` when `field` is a prototype name; its value otherwise. */
function readOwn(record: object, field: string): unknown {
  if (!isPrototypeName(field)) return (record as Record<string, unknown>)[field]
  return Object.hasOwn(record, field) ? (record as Record<string, unknown>)[field] : undefined
}

/** `fieldsKey`, reading prototype names as own properties only. */
function ownFieldsKey(fields: readonly string[]): (record: object) => KeyValue {
  const key = fieldsKey(fields)
  if (!fields.some(isPrototypeName)) return key
  return (record) => {
    const own: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    for (const field of fields) setOwn(own, field, readOwn(record, field))
    return key(own)
  }
}

function describeGroup(head: Record<string, unknown>): string {
  try {
    return JSON.stringify(head) ?? String(head)
  } catch {
    return describeError(head)
  }
}

function groupFields(groupBy: string | readonly string[]): readonly string[] {
  return typeof groupBy === 'string' ? [groupBy] : groupBy
}

function measureDefinitions(
  measures: Record<string, Measure | readonly Measure[] | undefined>,
  names: Record<string, string | undefined>,
): { readonly fields: readonly string[]; readonly definitions: readonly MeasureDefinition[] } {
  const fields: string[] = []
  const definitions: MeasureDefinition[] = []
  for (const [field, spec] of Object.entries(measures)) {
    if (spec === undefined) continue
    const list: readonly Measure[] = Array.isArray(spec) ? spec : [spec as Measure]
    if (list.length === 0) continue
    const fieldIndex = fields.push(field) - 1
    for (const measure of list) {
      const make = accumulatorFactory(field, measure as string | CustomDefinition)
      const output = `${field}_${typeof measure === 'string' ? measure : measure.name}`
      definitions.push({ field, fieldIndex, output: names[output] ?? output, make })
    }
  }
  return { fields, definitions }
}
