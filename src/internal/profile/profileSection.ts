import type { ProfileReport } from '../../core/ColumnProfile.js'
import type { RunContext } from '../run/RunContext.js'

const registries = new WeakMap<RunContext, Map<string, () => ProfileReport>>()

/**
 * Registers a profile stage's report under `report.profiles[<name>]` (a second stage of the same
 * name gets `<name> #2`). The section is computed when the run's report is made, so a run that
 * fails or is aborted still reports what its profiles saw.
 *
 * @internal
 */
export function registerProfile(run: RunContext, name: string, report: () => ProfileReport): void {
  let registry = registries.get(run)
  if (registry === undefined) {
    const profiles = new Map<string, () => ProfileReport>()
    registry = profiles
    registries.set(run, profiles)
    Object.defineProperty(run.sections, 'profiles', {
      enumerable: true,
      configurable: true,
      get: (): Record<string, ProfileReport> => {
        const out: Record<string, ProfileReport> = Object.create(null) as Record<
          string,
          ProfileReport
        >
        for (const [key, make] of profiles) out[key] = make()
        return out
      },
    })
  }
  let key = name
  for (let n = 2; registry.has(key); n++) key = `${name} #${n}`
  registry.set(key, report)
}
