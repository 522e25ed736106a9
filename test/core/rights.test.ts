import { describe, expect, it } from 'vitest'
import { Subject } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import { rights } from '../../src/core/rights.js'
import { fromObservable } from '../../src/sources/fromObservable.js'
import { map } from '../../src/operators/map.js'
import { filter } from '../../src/operators/filter.js'

describe('rights', () => {
  it('gives a live stream back as a plain Observable, without failures', async () => {
    const live = new Subject<number>()
    const out = pipe(
      fromObservable(live),
      filter((n: number) => n > 0),
      map((n: number) => {
        if (n === 3) throw new Error('three')
        return n * 10
      }),
      rights(),
    )
    const seen: number[] = []
    out.subscribe((n) => seen.push(n))
    live.next(1)
    live.next(-1)
    expect(seen).toEqual([10])
    live.next(3)
    live.next(4)
    live.complete()
    expect(seen).toEqual([10, 40])
  })
})
