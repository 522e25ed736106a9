/**
 * A small pool of worker threads for `parallel`: each worker imports one module and applies its
 * default export to batches of records. `node:worker_threads` is enough here: a batch is one
 * message each way, the pool is a few workers picked by load, and teardown is `terminate()` — a
 * pool library (piscina) would add a dependency and a task queue this operator already keeps.
 *
 * @internal
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads'

/** One record's outcome in a worker. @internal */
export type WorkerResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string }

/**
 * The worker's code, plain JavaScript (workers do not run TypeScript): imports the module once,
 * then answers each batch with one result per record, a throw becoming that record's error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const loaded = import(workerData.module).then((module) => {
  const fn = typeof module.default === 'function' ? module.default : module.transform
  if (typeof fn !== 'function') throw new Error(workerData.module + ' exports no default function')
  return fn
})
parentPort.on('message', async ({ id, records }) => {
  let fn
  try { fn = await loaded } catch (error) {
    parentPort.postMessage({ id, fatal: String(error && error.message || error) }); return
  }
  const results = []
  for (const record of records) {
    try { results.push({ ok: true, value: fn(record) }) }
    catch (error) { results.push({ ok: false, error: error instanceof Error ? error.message : String(error) }) }
  }
  try { parentPort.postMessage({ id, results }) }
  catch (error) { parentPort.postMessage({ id, fatal: 'a result cannot be sent back: ' + (error && error.message) }) }
})
`

interface Pending {
  readonly resolve: (results: readonly WorkerResult[]) => void
  readonly reject: (error: Error) => void
}

/** A pool of `size` workers running `module`. @internal */
export class WorkerPool {
  private readonly workers: Array<{ worker: Worker; load: number }> = []
  private readonly pending = new Map<number, Pending & { slot: { load: number } }>()
  private nextId = 0
  private closed = false

  constructor(module: string, size: number) {
    for (let index = 0; index < size; index++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module } })
      const slot = { worker, load: 0 }
      worker.on('message', (message: { id: number; results?: WorkerResult[]; fatal?: string }) =>
        this.answered(message),
      )
      worker.on('error', (error: Error) => this.failAll(error))
      this.workers.push(slot)
    }
  }

  /** Runs one batch on the least loaded worker. */
  run(records: readonly unknown[]): Promise<readonly WorkerResult[]> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'))
    const slot = this.workers.reduce((least, candidate) =>
      candidate.load < least.load ? candidate : least,
    )
    const id = this.nextId++
    slot.load += 1
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot })
      try {
        slot.worker.postMessage({ id, records })
      } catch (error) {
        this.pending.delete(id)
        slot.load -= 1
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  }

  /** Terminates every worker; batches still out are rejected. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.failAll(new Error('the worker pool was closed'))
    for (const { worker } of this.workers) void worker.terminate()
  }

  private answered(message: { id: number; results?: WorkerResult[]; fatal?: string }): void {
    const waiting = this.pending.get(message.id)
    if (waiting === undefined) return
    this.pending.delete(message.id)
    waiting.slot.load -= 1
    if (message.results !== undefined) waiting.resolve(message.results)
    else waiting.reject(new Error(message.fatal ?? 'the worker answered nothing'))
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()]
    this.pending.clear()
    for (const entry of waiting) entry.reject(error)
  }
}
