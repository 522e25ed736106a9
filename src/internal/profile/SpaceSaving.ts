/**
 * The Space-Saving heavy-hitters sketch (Metwally, Agrawal, El Abbadi 2005): at most `capacity`
 * counters. While fewer distinct values than that have been seen, the counts are exact; after
 * that, each counter over-estimates its value's count by at most its `error`, and every value
 * occurring more than n / capacity times is sure to hold a counter. The smallest counter is found
 * through a binary min-heap, so each update costs O(log capacity).
 *
 * @internal
 */
export class SpaceSaving {
  private readonly counters = new Map<string, Counter>()
  private readonly heap: Counter[] = []
  private evicted = false

  constructor(private readonly capacity: number) {}

  add(value: string): void {
    const counter = this.counters.get(value)
    if (counter !== undefined) {
      counter.count += 1
      this.siftDown(counter.slot)
      return
    }
    if (this.heap.length < this.capacity) {
      const fresh: Counter = { value, count: 1, error: 0, slot: this.heap.length }
      this.heap.push(fresh)
      this.counters.set(value, fresh)
      this.siftUp(fresh.slot)
      return
    }
    // Replace the smallest counter: the newcomer inherits its count as possible error.
    const smallest = this.heap[0] as Counter
    this.evicted = true
    this.counters.delete(smallest.value)
    smallest.value = value
    smallest.error = smallest.count
    smallest.count += 1
    this.counters.set(value, smallest)
    this.siftDown(0)
  }

  /** Whether every count is exact (no value was ever evicted). */
  get exact(): boolean {
    return !this.evicted
  }

  /** The `k` largest counters, largest first (ties by value). */
  top(
    k: number,
  ): Array<{ readonly value: string; readonly count: number; readonly error: number }> {
    return [...this.heap]
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, k)
      .map(({ value, count, error }) => ({ value, count, error }))
  }

  private siftUp(slot: number): void {
    const heap = this.heap
    const item = heap[slot] as Counter
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1
      const parent = heap[parentSlot] as Counter
      if (parent.count <= item.count) break
      heap[slot] = parent
      parent.slot = slot
      slot = parentSlot
    }
    heap[slot] = item
    item.slot = slot
  }

  private siftDown(slot: number): void {
    const heap = this.heap
    const length = heap.length
    const item = heap[slot] as Counter
    for (;;) {
      const left = 2 * slot + 1
      if (left >= length) break
      const right = left + 1
      const child =
        right < length && (heap[right] as Counter).count < (heap[left] as Counter).count
          ? right
          : left
      const smaller = heap[child] as Counter
      if (smaller.count >= item.count) break
      heap[slot] = smaller
      smaller.slot = slot
      slot = child
    }
    heap[slot] = item
    item.slot = slot
  }
}

interface Counter {
  value: string
  count: number
  error: number
  slot: number
}
