/**
 * The machinery of `merge` and `concat`: subscribes each input flow as a PowerFlow stage's input
 * (so plain Observables are counted where they enter), remembers which source stages each input
 * registered, and adds a `sources` section to the run's report: what each source read.
 *
 * @internal
 * @packageDocumentation
 */
import { Observable } from 'rxjs'
import type { Either } from 'fp-ts/lib/Either.js'
import type { Failure } from '../core/Failure.js'
import type { Flow } from '../core/Flow.js'
import type { RunContext } from './run/RunContext.js'
import type { StageStats } from './run/StageStats.js'
import { currentRun } from './run/currentRun.js'
import { depthOf, withDepth } from './depth.js'
import { subscribeInput } from './flowInput.js'

type Values<A> = Observable<Either<Failure, A>>

/** A flow of `inputs` combined by `combine` (rxjs `merge` or `concat`). @internal */
export function fanIn<A>(
  name: string,
  inputs: ReadonlyArray<Flow<A>>,
  combine: (inputs: Array<Values<A>>) => Values<A>,
): Flow<A> {
  if (inputs.length === 0) throw new TypeError(`${name}: give at least one source`)
  const flow = new Observable<Either<Failure, A>>((subscriber) => {
    const run = currentRun()
    const counted = inputs.map((input) => {
      const stages: StageStats[] = []
      const observable = new Observable<Either<Failure, A>>((inner) => {
        const before = new Set(run.stages)
        const subscription = subscribeInput(run, name, input, inner)
        for (const stage of run.stages)
          if (stage.kind === 'source' && !before.has(stage)) stages.push(stage)
        return subscription
      })
      return { stages, observable }
    })
    reportSources(
      run,
      counted.map(({ stages }) => stages),
    )
    return combine(counted.map(({ observable }) => observable)).subscribe(subscriber)
  })
  return withDepth(flow, Math.max(...inputs.map((input) => depthOf(input))))
}

const inputsOfRun = new WeakMap<RunContext, Array<readonly StageStats[]>>()

/**
 * Adds the inputs to the run's `sources` section: what each source read, by stage name. The
 * section is computed when the report is made, so a source subscribed later (`concat`) is there.
 */
function reportSources(run: RunContext, inputs: ReadonlyArray<readonly StageStats[]>): void {
  let known = inputsOfRun.get(run)
  if (known === undefined) {
    const list: Array<readonly StageStats[]> = []
    known = list
    inputsOfRun.set(run, list)
    Object.defineProperty(run.sections, 'sources', {
      get: () => sourcesSection(list),
      enumerable: true,
      configurable: true,
    })
  }
  known.push(...inputs)
}

function sourcesSection(
  inputs: ReadonlyArray<readonly StageStats[]>,
): Record<string, { readonly read: number }> {
  const section: Record<string, { readonly read: number }> = {}
  inputs.forEach((stages, index) => {
    const base = stages[0]?.name ?? `source ${index + 1}`
    let name = base
    for (let copy = 2; Object.hasOwn(section, name); copy++) name = `${base} #${copy}`
    section[name] = { read: stages.reduce((sum, stage) => sum + stage.in, 0) }
  })
  return section
}
