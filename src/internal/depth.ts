/**
 * How far a flow is from its source, so the report lists stages source-first whatever order they
 * subscribe in.
 *
 * @internal
 * @packageDocumentation
 */
import type { Observable } from 'rxjs'

const depths = new WeakMap<Observable<unknown>, number>()

/** @internal */
export function depthOf(flow: Observable<unknown>): number {
  return depths.get(flow) ?? 0
}

/** Records `depth` for `flow` and returns it. @internal */
export function withDepth<T extends Observable<unknown>>(flow: T, depth: number): T {
  depths.set(flow, depth)
  return flow
}
