/**
 * The bookmark of an incremental read: the largest value of the `since` field among the records
 * read. An ordered read (REST, ORDER BY field, Id) may stop anywhere and keep what it saw; an
 * unordered one (Bulk) keeps it only once the whole result was read.
 *
 * @internal
 * @packageDocumentation
 */
import type { Bookmark } from '../../../core/Bookmark.js'
import { comparable, type Since } from './soql.js'
import type { PlainRecord } from './records.js'

/** @internal */
export class BookmarkTracker {
  ordered = true
  private seen: { value: string | number; rank: number } | undefined = undefined
  private kept: { value: string | number; rank: number } | undefined = undefined

  constructor(private readonly since: Since) {}

  see(records: readonly PlainRecord[]): void {
    for (const record of records) {
      const value = record[this.since.field]
      const rank = comparable(value)
      if (rank === undefined) continue
      if (this.seen === undefined || rank > this.seen.rank)
        this.seen = { value: value as string | number, rank }
    }
    if (this.ordered) this.kept = this.seen
  }

  /** The whole result was read. */
  finish(): void {
    this.kept = this.seen
  }

  current(): Bookmark | undefined {
    const start = this.since.value
    const value = this.kept?.value ?? (start instanceof Date ? start.toISOString() : start)
    return value === undefined ? undefined : { field: this.since.field, value }
  }
}
