/**
 * Which Observables are PowerFlow flows, and how far each is from its source (so the report lists
 * stages source-first whatever order they subscribe in).
 *
 * A PowerFlow flow knows whether a PowerFlow stage subscribed to it as its input, or plain rxjs
 * code did (a `merge`, a plain operator between two stages): in a run where records also enter
 * from plain rxjs, what it passes to plain code is counted, so the stage where plain code hands
 * records back can tell records it already counted from records that enter the run there
 * (see `subscribeInput`).
 *
 * @internal
 * @packageDocumentation
 */
import { Observable } from 'rxjs'
import { currentRun } from './run/currentRun.js'

const depths = new WeakMap<Observable<unknown>, number>()

/** Whether a flow is being subscribed by a PowerFlow stage as its input, right now. */
let asInput = false

/** @internal */
export function depthOf(flow: Observable<unknown>): number {
  return depths.get(flow) ?? 0
}

/** Whether `observable` is a PowerFlow flow (made by a PowerFlow source or operator). @internal */
export function isFlow(observable: Observable<unknown>): boolean {
  return depths.has(observable)
}

/**
 * Registers `flow` as a PowerFlow flow `depth` stages from its source, and returns it as it must
 * be used from now on. Subscribing to it costs nothing per record unless plain rxjs code
 * subscribes to it in a run where records enter from plain rxjs.
 *
 * @internal
 */
export function withDepth<T extends Observable<unknown>>(flow: T, depth: number): T {
  const registered = new Observable<unknown>((subscriber) => {
    const direct = asInput
    // What this flow subscribes to while it subscribes is its input: a PowerFlow stage's.
    asInput = true
    try {
      const run = currentRun()
      if (direct || !run.countsEntries) return flow.subscribe(subscriber)
      return flow.subscribe({
        next(value) {
          run.plainEntries.leftToPlain()
          subscriber.next(value)
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      })
    } finally {
      asInput = direct
    }
  })
  depths.set(registered, depth)
  return registered as T
}

/** Runs `subscribe` as a PowerFlow stage subscribing to its input (a flow) or not (plain code). @internal */
export function subscribing<T>(stage: boolean, subscribe: () => T): T {
  const outer = asInput
  asInput = stage
  try {
    return subscribe()
  } finally {
    asInput = outer
  }
}
