import { describe, expect, it } from 'vitest'
import { Observable } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import type { Flow } from '../../../src/core/Flow.js'
import type { ProfileReport } from '../../../src/core/ColumnProfile.js'
import { currentRun } from '../../../src/internal/run/currentRun.js'
import { registerProfile } from '../../../src/internal/profile/profileSection.js'
import { fromGenerator } from '../../../src/sources/fromGenerator.js'
import { map } from '../../../src/operators/map.js'
import { failFast } from '../../../src/policies/failFast.js'
import { toArray } from '../../../src/sinks/toArray.js'
import { runToArray } from '../../../src/testing/runToArray.js'

/** A pass-through stage that registers a profile reporting how many records it has seen. */
function registering(name: string) {
  return <A>(input: Flow<A>): Flow<A> =>
    new Observable((subscriber) => {
      let seen = 0
      registerProfile(currentRun(), name, () => ({ seen }) as unknown as ProfileReport)
      return input.subscribe({
        next(value) {
          seen += 1
          subscriber.next(value)
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      })
    })
}

describe('registerProfile', () => {
  it("puts each profile under report.profiles by name, a second of the same name as '#2'", async () => {
    const report = await pipe(
      fromGenerator([1, 2, 3]),
      registering('deals'),
      registering('deals'),
      registering('accounts'),
      toArray(),
    )
    expect(report.profiles).toEqual({
      deals: { seen: 3 },
      'deals #2': { seen: 3 },
      accounts: { seen: 3 },
    })
  })

  it('computes the section when the report is made, so a failed run reports what was seen', async () => {
    const result = await runToArray(
      pipe(
        fromGenerator([1, 2, 3, 4]),
        registering('before'),
        map((n: number) => {
          if (n === 3) throw new Error('three')
          return n
        }),
        failFast(),
      ),
    )
    expect(result.report.status).toBe('failed')
    const before = result.report.profiles?.['before'] as unknown as { seen: number }
    expect(before.seen).toBeGreaterThanOrEqual(3)
  })

  it('leaves the section out of a run without profiles', async () => {
    const report = await pipe(fromGenerator([1]), toArray())
    expect(report.profiles).toBeUndefined()
  })
})
