/**
 * Ordered output slots: results of asynchronous work, emitted in the order their places were
 * taken, whatever order they complete in. A place is reserved when the work starts (`reserve`)
 * and filled when it ends (`fill`); every filled place at the head goes out at once, and a value
 * ready from the start (`push`) goes out at once when no place before it waits.
 *
 * Used by `enrich` (records in input order around concurrent lookups); made to serve any stage
 * or sink that completes work out of order and must emit in order.
 *
 * @internal
 * @packageDocumentation
 */

/** A place in the output order. @internal */
export interface Slot<T> {
  /** Fills the place: it is emitted as soon as every place before it has been. Once only. */
  fill(value: T): void
}

/** How many emptied places the queue may have at its head before they are cut off. */
const COMPACT_AFTER = 1024

interface Place<T> {
  filled: boolean
  value: T | undefined
}

/** @internal */
export class OrderedSlots<T> {
  private places: Array<Place<T> | undefined> = []
  private head = 0
  private flushing = false

  /** `emit` receives each value in order. */
  constructor(private readonly emit: (value: T) => void) {}

  /** Places reserved and not emitted yet. */
  get pending(): number {
    return this.places.length - this.head
  }

  /** Reserves the next place in the output order. */
  reserve(): Slot<T> {
    const place: Place<T> = { filled: false, value: undefined }
    this.places.push(place)
    return {
      fill: (value) => {
        if (place.filled) return
        place.filled = true
        place.value = value
        this.flush()
      },
    }
  }

  /** A value ready now: emitted at once when no place waits before it, else queued behind them. */
  push(value: T): void {
    if (this.pending === 0) this.emit(value)
    else this.reserve().fill(value)
  }

  /** Forgets every place (the output was unsubscribed): nothing more is emitted. */
  clear(): void {
    this.places = []
    this.head = 0
  }

  private flush(): void {
    // An emission may fill another place synchronously: the loop already running emits it.
    if (this.flushing) return
    this.flushing = true
    try {
      while (this.head < this.places.length) {
        const place = this.places[this.head] as Place<T>
        if (!place.filled) break
        this.places[this.head] = undefined
        this.head += 1
        const value = place.value as T
        place.value = undefined
        this.emit(value)
      }
      if (this.head > COMPACT_AFTER && this.head * 2 > this.places.length) {
        this.places.splice(0, this.head)
        this.head = 0
      }
    } finally {
      this.flushing = false
    }
  }
}
