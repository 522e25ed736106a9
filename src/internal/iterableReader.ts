/**
 * Reads any iterable or async iterable as batches for {@link pullSource}: a sync iterable in
 * batches (fast, and it still yields to the event loop), an async one record by record.
 *
 * @internal
 * @packageDocumentation
 */
import { right, type Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import { describeError } from '../core/Failure.js'
import type { SourceBatch } from './pullSource.js'

/** How many records a synchronous iterable gives per batch. */
const SYNC_BATCH = 512

/** Anything a generator source accepts. @internal */
export type Iterated<T> = Iterable<T> | AsyncIterable<T>

/** @internal */
export function iterableReader<T, A>(
  name: string,
  iterable: Iterated<T>,
  toItem: (value: T) => Either<Failure, A>,
  close?: () => void | Promise<void>,
): AsyncIterator<SourceBatch<A>> {
  const wrap = (error: unknown): Error =>
    new Error(`${name}: the source threw: ${describeError(error)}`, { cause: error })
  let closed = false
  const closeOnce = async (): Promise<void> => {
    if (closed) return
    closed = true
    await close?.()
  }
  if (Symbol.asyncIterator in iterable) {
    const iterator = iterable[Symbol.asyncIterator]()
    return {
      async next() {
        let step: IteratorResult<T>
        try {
          step = await iterator.next()
        } catch (error) {
          await closeOnce()
          throw wrap(error)
        }
        if (step.done === true) {
          await closeOnce()
          return { done: true, value: undefined }
        }
        return { done: false, value: { items: [toItem(step.value)] } }
      },
      async return() {
        // The iterable's own cleanup failing must not keep the source's close from running.
        try {
          await iterator.return?.()
        } finally {
          await closeOnce()
        }
        return { done: true, value: undefined }
      },
    }
  }
  const iterator = iterable[Symbol.iterator]()
  // A throw after some records of a batch: those records go out first, the error with the next batch.
  let thrown: { readonly error: unknown } | undefined
  return {
    async next() {
      if (thrown !== undefined) {
        await closeOnce()
        throw wrap(thrown.error)
      }
      const items: Array<Either<Failure, A>> = []
      try {
        while (items.length < SYNC_BATCH) {
          const step = iterator.next()
          if (step.done === true) break
          items.push(toItem(step.value))
        }
      } catch (error) {
        if (items.length > 0) {
          thrown = { error }
          return { done: false, value: { items } }
        }
        await closeOnce()
        throw wrap(error)
      }
      if (items.length === 0) {
        await closeOnce()
        return { done: true, value: undefined }
      }
      return { done: false, value: { items } }
    },
    async return() {
      try {
        iterator.return?.()
      } finally {
        await closeOnce()
      }
      return { done: true, value: undefined }
    },
  }
}

/** @internal */
export const asRecord = <A>(value: A): Either<Failure, A> => right(value)
