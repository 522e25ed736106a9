/**
 * The accumulators behind `aggregate`'s measures. Folding a record is two steps, so that a record
 * counts toward all of its group's measures or none: every accumulator first `check`s its value
 * (and stashes what it will add), and only when none refused does each `commit`. The value comes
 * as a {@link FieldValue}, read once per record for all of its field's measures.
 *
 * @internal
 * @packageDocumentation
 */
import { describeValue } from '../describeValue.js'
import { detachValue } from '../keys.js'
import { restoreValue, saveValue } from '../checkpoint/savedValue.js'

/**
 * One field's value in the record being folded, shared by all of that field's measures: whether
 * it is blank and the number it spells are worked out on first asking and then remembered, so
 * five measures of one field trim and parse its string once, not five times.
 *
 * @internal
 */
export class FieldValue {
  /** The value as the record holds it. */
  value: unknown = undefined
  private blankState: boolean | undefined = undefined
  private numberKnown = false
  private numberValue: number | undefined = undefined

  /** Takes the field's value in the next record, forgetting what was worked out for the last one. */
  read(value: unknown): void {
    this.value = value
    this.blankState = undefined
    this.numberKnown = false
  }

  /** {@link isBlank} of the value. */
  blank(): boolean {
    return (this.blankState ??= isBlank(this.value))
  }

  /** {@link asNumber} of the value. */
  number(): number | undefined {
    if (!this.numberKnown) {
      this.numberValue = asNumber(this.value)
      this.numberKnown = true
    }
    return this.numberValue
  }
}

/** One measure of one group. @internal */
export interface Accumulator {
  /** Prepares to add `input`'s value; returns why the record cannot be folded, or undefined. Changes nothing visible. */
  check(input: FieldValue, record: unknown): string | undefined
  /** Adds what the last `check` prepared. */
  commit(): void
  /** The measure's value for the group so far. */
  result(): unknown
  /** What a checkpoint keeps of it (see `saveValue`); throws for state that cannot be saved. */
  save(where: string): unknown
  /** Takes back what {@link save} gave. */
  restore(saved: unknown): void
}

/** A user-defined measure, as `aggregate` receives it. @internal */
export interface CustomDefinition {
  readonly name: string
  readonly initial: () => unknown
  readonly reduce: (acc: unknown, value: unknown, record: never) => unknown
  readonly result?: (acc: unknown) => unknown
}

/** Makes a fresh accumulator for `measure` on `field`. @internal */
export function accumulatorFactory(
  field: string,
  measure: string | CustomDefinition,
): () => Accumulator {
  if (typeof measure !== 'string') return () => new Custom(measure)
  switch (measure) {
    case 'sum':
      return () => new Sum(field)
    case 'count':
      return () => new Count()
    case 'avg':
      return () => new Avg(field)
    case 'min':
      return () => new Extreme(field, -1)
    case 'max':
      return () => new Extreme(field, 1)
    case 'countDistinct':
      return () => new CountDistinct()
    case 'first':
      return () => new First()
    case 'last':
      return () => new Last()
    default:
      throw new TypeError(
        `aggregate: unknown measure "${measure}" for field ${field}; use sum, count, avg, min, max, countDistinct, first, last or a reducer`,
      )
  }
}

/** Null, undefined and blank strings: values the built-in measures skip. @internal */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true
  if (typeof value !== 'string') return false
  // A string that starts with a printable ASCII character cannot trim to nothing: skip the trim.
  const first = value.charCodeAt(0)
  if (first > 32 && first < 127) return false
  return value.trim() === ''
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** A number, or a string that spells a decimal number; undefined otherwise. @internal */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value
  if (typeof value === 'string') {
    const text = hasNoEdgeSpace(value) ? value : value.trim()
    return DECIMAL.test(text) ? Number(text) : undefined
  }
  return undefined
}

/** Whether `text` starts and ends with printable ASCII, so trimming it would change nothing. */
function hasNoEdgeSpace(text: string): boolean {
  const first = text.charCodeAt(0)
  const last = text.charCodeAt(text.length - 1)
  return first > 32 && first < 127 && last > 32 && last < 127
}

function notANumber(field: string, value: unknown): string {
  return `${field}: expected a number, got ${describeValue(value)}`
}

class Sum implements Accumulator {
  protected total = 0
  protected values = 0
  private pending: number | undefined = undefined
  constructor(private readonly field: string) {}
  check(input: FieldValue): string | undefined {
    this.pending = undefined
    if (input.blank()) return undefined
    const number = input.number()
    if (number === undefined) return notANumber(this.field, input.value)
    this.pending = number
    return undefined
  }
  commit(): void {
    if (this.pending === undefined) return
    this.total += this.pending
    this.values += 1
  }
  result(): unknown {
    return this.total
  }
  save(where: string): unknown {
    return saveValue([this.total, this.values], where)
  }
  restore(saved: unknown): void {
    ;[this.total, this.values] = restoreValue(saved) as [number, number]
  }
}

class Avg extends Sum {
  override result(): unknown {
    return this.values === 0 ? null : this.total / this.values
  }
}

class Count implements Accumulator {
  private count = 0
  private pending = false
  check(input: FieldValue): string | undefined {
    this.pending = !input.blank()
    return undefined
  }
  commit(): void {
    if (this.pending) this.count += 1
  }
  result(): unknown {
    return this.count
  }
  save(): unknown {
    return this.count
  }
  restore(saved: unknown): void {
    this.count = saved as number
  }
}

/**
 * min (`direction` -1) or max (1), the same whatever order the values come in. Numbers and numeric
 * strings compare as numbers and the result is a number, unless the group also has a non-numeric
 * string: then all its strings compare as text (code-unit order, so ISO dates sort right) and the
 * result is a string. Dates compare by time and the result is the Date. A record whose value mixes
 * kinds that do not compare (a Date among strings, a number among non-numeric strings) fails.
 */
class Extreme implements Accumulator {
  private numberBest: number | undefined = undefined
  private textBest: string | undefined = undefined
  private dateBest: Date | undefined = undefined
  /** A non-numeric string was seen: the result is text. */
  private hasText = false
  /** A value of type number was seen: it cannot join a text result. */
  private hasNumberType = false
  private pending: unknown = undefined
  private pendingNumber: number | undefined = undefined
  constructor(
    private readonly field: string,
    private readonly direction: 1 | -1,
  ) {}

  check(input: FieldValue): string | undefined {
    this.pending = undefined
    this.pendingNumber = undefined
    if (input.blank()) return undefined
    const value = input.value
    const seenOther = this.numberBest !== undefined || this.textBest !== undefined
    if (value instanceof Date && !Number.isNaN(value.getTime())) {
      if (seenOther) return this.mismatch('a number or a string', value)
    } else if (typeof value === 'number') {
      if (Number.isNaN(value)) return notANumber(this.field, value)
      if (this.dateBest !== undefined) return this.mismatch('a Date', value)
      if (this.hasText) return this.mismatch('a string', value)
      this.pendingNumber = value
    } else if (typeof value === 'string') {
      if (this.dateBest !== undefined) return this.mismatch('a Date', value)
      this.pendingNumber = input.number()
      if (this.pendingNumber === undefined && this.hasNumberType)
        return notANumber(this.field, value)
    } else
      return `${this.field}: expected a number, a string or a Date, got ${describeValue(value)}`
    this.pending = value
    return undefined
  }

  commit(): void {
    const value = this.pending
    if (value === undefined) return
    if (value instanceof Date) {
      if (this.dateBest === undefined || this.beats(value.getTime(), this.dateBest.getTime()))
        this.dateBest = value
      return
    }
    if (typeof value === 'number') this.hasNumberType = true
    const number = this.pendingNumber
    if (
      number !== undefined &&
      (this.numberBest === undefined || this.beats(number, this.numberBest))
    )
      this.numberBest = number
    if (typeof value !== 'string') return
    if (number === undefined) this.hasText = true
    if (this.textBest === undefined || this.beats(value, this.textBest))
      this.textBest = detachValue(value)
  }

  result(): unknown {
    return this.dateBest ?? (this.hasText ? this.textBest : this.numberBest) ?? null
  }

  save(where: string): unknown {
    const { numberBest, textBest, dateBest, hasText, hasNumberType } = this
    return saveValue([numberBest, textBest, dateBest, hasText, hasNumberType], where)
  }

  restore(saved: unknown): void {
    ;[this.numberBest, this.textBest, this.dateBest, this.hasText, this.hasNumberType] =
      restoreValue(saved) as [
        number | undefined,
        string | undefined,
        Date | undefined,
        boolean,
        boolean,
      ]
  }

  private beats<T extends number | string>(candidate: T, best: T): boolean {
    return this.direction === 1 ? candidate > best : candidate < best
  }

  private mismatch(expected: string, value: unknown): string {
    return `${this.field}: expected ${expected} like the group's earlier values, got ${describeValue(value)}`
  }
}

class CountDistinct implements Accumulator {
  private seen = new Set<unknown>()
  private pending: unknown = undefined
  private skip = true
  check(input: FieldValue): string | undefined {
    const value = input.value
    this.skip = input.blank()
    // Objects (Dates) by their JSON text: equal values, not the same instance.
    this.pending = typeof value === 'object' && value !== null ? JSON.stringify([value]) : value
    return undefined
  }
  commit(): void {
    if (!this.skip && !this.seen.has(this.pending)) this.seen.add(detachValue(this.pending))
  }
  result(): unknown {
    return this.seen.size
  }
  save(where: string): unknown {
    return saveValue([...this.seen], where)
  }
  restore(saved: unknown): void {
    this.seen = new Set(restoreValue(saved) as unknown[])
  }
}

class First implements Accumulator {
  private value: unknown = null
  private found = false
  private pending: unknown = undefined
  private skip = true
  check(input: FieldValue): string | undefined {
    this.pending = input.value
    this.skip = input.blank()
    return undefined
  }
  commit(): void {
    if (this.found || this.skip) return
    this.found = true
    this.value = detachValue(this.pending)
  }
  result(): unknown {
    return this.value
  }
  save(where: string): unknown {
    return saveValue([this.value, this.found], where)
  }
  restore(saved: unknown): void {
    ;[this.value, this.found] = restoreValue(saved) as [unknown, boolean]
  }
}

class Last implements Accumulator {
  private value: unknown = null
  private pending: unknown = undefined
  private skip = true
  check(input: FieldValue): string | undefined {
    this.pending = input.value
    this.skip = input.blank()
    return undefined
  }
  commit(): void {
    if (!this.skip) this.value = detachValue(this.pending)
  }
  result(): unknown {
    return this.value
  }
  save(where: string): unknown {
    return saveValue(this.value, where)
  }
  restore(saved: unknown): void {
    this.value = restoreValue(saved)
  }
}

/** A user reducer: sees every value as it is (null and blank ones too) and the record. */
class Custom implements Accumulator {
  private acc: unknown
  private pending: unknown = undefined
  constructor(private readonly definition: CustomDefinition) {
    this.acc = definition.initial()
  }
  check(input: FieldValue, record: unknown): string | undefined {
    this.pending = this.definition.reduce(this.acc, input.value, record as never)
    return undefined
  }
  commit(): void {
    this.acc = this.pending
  }
  result(): unknown {
    return this.definition.result === undefined ? this.acc : this.definition.result(this.acc)
  }
  save(where: string): unknown {
    return saveValue(this.acc, `${where}: the accumulator of the reducer ${this.definition.name}`)
  }
  restore(saved: unknown): void {
    this.acc = restoreValue(saved)
  }
}
