import { describe, expect, it } from 'vitest'
import { Subject, lastValueFrom, toArray as collectAll } from 'rxjs'
import { left, right, type Either } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { failure, type Failure } from '../../src/core/Failure.js'
import { RunError } from '../../src/core/RunError.js'
import { values } from '../../src/core/values.js'
import { fromObservable } from '../../src/sources/fromObservable.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { fromEithers } from '../../src/testing/fromEithers.js'

describe('values', () => {
  it('errors with the failure at the first Left', async () => {
    const live = new Subject<number>()
    const out = pipe(
      fromObservable(live),
      map((n: number) => {
        if (n === 2) throw new Error('two')
        return n
      }),
      values(),
    )
    const done = lastValueFrom(out.pipe(collectAll()))
    live.next(1)
    live.next(2)
    await expect(done).rejects.toMatchObject({ name: 'RunError', message: 'map: two' })
  })

  it('gives every record, in order, and completes', async () => {
    const out = await lastValueFrom(pipe(fromGenerator([1, 2, 3]), values(), collectAll()))
    expect(out).toEqual([1, 2, 3])
  })

  it('carries the failure itself on the RunError it errors with', async () => {
    const bad = failure('ParseError', { stage: 'source', reason: 'not a number' })
    const input: Array<Either<Failure, number>> = [right(1), left(bad), right(2)]
    const seen: number[] = []
    const error = await new Promise<unknown>((resolve) =>
      pipe(fromEithers(input), values()).subscribe({
        next: (n) => seen.push(n),
        error: resolve,
      }),
    )
    expect(seen).toEqual([1])
    expect(error).toBeInstanceOf(RunError)
    expect((error as RunError).failure).toBe(bad)
  })
})
