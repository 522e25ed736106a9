import { describe, expect, it } from 'vitest'
import { BatchQueue } from '../../src/internal/BatchQueue.js'

const tracker = () => {
  const counts = { begun: 0, ended: 0 }
  return {
    counts,
    beginWork: () => void (counts.begun += 1),
    endWork: () => void (counts.ended += 1),
  }
}

const gate = () => {
  let open: () => void = () => undefined
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open: () => open() }
}

describe('BatchQueue', () => {
  it('sends batches in order, at most `concurrency` at once, and counts each as work', async () => {
    const work = tracker()
    const started: number[] = []
    const gates = new Map<number, ReturnType<typeof gate>>()
    const queue = new BatchQueue<number>(2, new AbortController().signal, work, (batch) => {
      started.push(batch)
      const g = gate()
      gates.set(batch, g)
      return g.opened
    })
    queue.push(1)
    queue.push(2)
    queue.push(3)
    expect(started).toEqual([1, 2])
    gates.get(1)?.open()
    await Promise.resolve()
    await Promise.resolve()
    expect(started).toEqual([1, 2, 3])
    gates.get(2)?.open()
    gates.get(3)?.open()
    await queue.drain()
    expect(work.counts).toEqual({ begun: 3, ended: 3 })
  })

  it('sends nothing more once cleared or aborted, and drains what is in flight', async () => {
    const controller = new AbortController()
    const started: number[] = []
    const first = gate()
    const queue = new BatchQueue<number>(1, controller.signal, tracker(), (batch) => {
      started.push(batch)
      return batch === 1 ? first.opened : Promise.resolve()
    })
    queue.push(1)
    queue.push(2)
    queue.clear()
    queue.push(3)
    controller.abort()
    first.open()
    await queue.drain()
    expect(started).toEqual([1])
  })
})
