import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Operator } from '../core/Flow.js'
import { stageOperator } from '../internal/stageOperator.js'
import { WorkerPool } from '../internal/workerPool.js'

/**
 * Options of {@link parallel}.
 *
 * @category operators
 * @since 0.2.0
 */
export interface ParallelOptions {
  /** Worker threads (default 2). */
  readonly workers?: number
  /** Records sent to a worker in one message (default 256; at most half the high-water mark). */
  readonly batchSize?: number
  /** Keep the input's order (default true); `false` emits each batch as it is done. */
  readonly ordered?: boolean
  /** The stage name in the report (default `parallel`). */
  readonly name?: string
}

/**
 * A map-like, CPU-bound step run on a pool of worker threads: `module` (a path or URL of a
 * JavaScript module whose default export maps one record to another, synchronously) is imported
 * by each worker, and records are sent to the least busy worker in batches. Output keeps the
 * input's order unless `ordered: false`. A throw in the function makes that record a `Left`
 * TransformError (with the message: errors do not cross threads whole); records and results must
 * be structured-cloneable. Records in a worker stay open in the run's budget, so the source waits
 * for the pool. The workers are terminated when the output completes, errors or is unsubscribed
 * (the run stops); a module that cannot be loaded fails its records.
 *
 * @example
 * ```ts
 * import { mkdtemp, writeFile } from 'node:fs/promises'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { pipe, fromGenerator, parallel, toArray } from 'powerflow-etl'
 *
 * const module = join(await mkdtemp(join(tmpdir(), 'parallel-')), 'double.mjs')
 * await writeFile(module, 'export default (n) => n * 2\n')
 * const report = await pipe(fromGenerator([1, 2, 3]), parallel<number, number>(module), toArray())
 * console.assert(report.records.join() === '2,4,6')
 * ```
 *
 * @param module - The module's path or URL.
 * @param options - Workers, batch size, order and name.
 * @returns An operator.
 * @category operators
 * @since 0.2.0
 */
export function parallel<A, B>(
  module: string | URL,
  options: ParallelOptions = {},
): Operator<A, B> {
  const workers = options.workers ?? 2
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`parallel: workers must be a positive integer, not ${workers}`)
  const specifier = moduleSpecifier(module)
  const ordered = options.ordered ?? true
  return stageOperator<A, B>(options.name ?? 'parallel', (api) => {
    const pool = new WorkerPool(specifier, workers)
    const size = Math.max(1, Math.min(options.batchSize ?? 256, Math.floor(api.highWaterMark / 2)))
    // Batches in the order they were sent; each is emitted when it (and, ordered, those before) is done.
    const queue: Array<{
      readonly records: A[]
      results?: Array<{ ok: boolean; value?: unknown; error?: string }>
    }> = []
    let batch: A[] = []
    let outstanding = 0
    let drained: (() => void) | undefined
    const emitReady = (): void => {
      while (queue.length > 0) {
        const head = queue[0] as (typeof queue)[number]
        if (head.results === undefined) {
          if (ordered) return
          break
        }
        queue.shift()
        head.records.forEach((record, index) => {
          const result = head.results?.[index]
          if (result?.ok === true) api.emit(result.value as B)
          else api.fail(api.transformError(record, new Error(result?.error ?? 'no result')))
        })
      }
    }
    const flush = (): void => {
      if (batch.length === 0) return
      const entry: (typeof queue)[number] = { records: batch }
      batch = []
      queue.push(entry)
      outstanding += 1
      api.beginWork()
      pool
        .run(entry.records)
        .then(
          (results) => {
            entry.results = results.map((result) => ({ ...result }))
          },
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error)
            entry.results = entry.records.map(() => ({ ok: false, error: message }))
          },
        )
        .finally(() => {
          api.endWork()
          outstanding -= 1
          if (ordered) emitReady()
          else {
            const index = queue.indexOf(entry)
            if (index >= 0) {
              queue.splice(index, 1)
              queue.unshift(entry)
              emitReady()
            }
          }
          if (outstanding === 0) drained?.()
        })
    }
    const unlisten = api.onStall(flush)
    return {
      next(record) {
        batch.push(record)
        if (batch.length >= size) flush()
      },
      complete() {
        flush()
        if (outstanding === 0) {
          unlisten()
          pool.close()
          return undefined
        }
        return new Promise<void>((resolve) => {
          drained = () => {
            unlisten()
            pool.close()
            resolve()
          }
        })
      },
      teardown() {
        unlisten()
        pool.close()
      },
    }
  })
}

function moduleSpecifier(module: string | URL): string {
  if (module instanceof URL) return module.href
  if (/^[a-z]+:/i.test(module)) return module
  return pathToFileURL(resolve(module)).href
}
