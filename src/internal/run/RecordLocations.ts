/**
 * Where records come from: the record a source is emitting now — or the record a one-to-one
 * stage made from it — and how to place it (file, line, row). A failure raised about that very
 * record (by identity) gets its place, without any stage carrying locations along.
 *
 * @internal
 * @packageDocumentation
 */
import type { Location } from '../../core/Failure.js'

/** @internal */
export class RecordLocations {
  private current: unknown = undefined
  private locate: ((index: number) => Location) | undefined = undefined
  private index = 0

  /** A source is about to emit `record`, item `index` of a batch that `locate` can place. */
  emitting(
    record: unknown,
    locate: ((index: number) => Location) | undefined,
    index: number,
  ): void {
    this.current = record
    this.locate = locate
    this.index = index
  }

  /** A one-to-one stage turned the current record `from` into `to`: `to` comes from the same place. */
  derived(from: unknown, to: unknown): void {
    if (from === this.current && from !== undefined) this.current = to
  }

  /** Where `record` came from, if it is the record being emitted now (or made from it). */
  locationOf(record: unknown): Location | undefined {
    if (record === undefined || record !== this.current || this.locate === undefined)
      return undefined
    return this.locate(this.index)
  }
}
