import { describe, expect, it } from 'vitest'
import { concat as rxConcat, merge as rxMerge, of } from 'rxjs'
import { right } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { fanIn } from '../../src/internal/fanIn.js'
import { depthOf } from '../../src/internal/depth.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { toArray } from '../../src/sinks/toArray.js'
import { expectBalanced } from '../support/ledger.js'

const sourcesOf = (report: Record<string, unknown>): Record<string, { read: number }> =>
  report['sources'] as Record<string, { read: number }>

describe('fanIn', () => {
  it('combines its inputs as the given rxjs function does, and reports what each source read', async () => {
    const report = await pipe(
      fanIn(
        'concat',
        [fromGenerator([1, 2], { name: 'first' }), fromGenerator([3], { name: 'second' })],
        (inputs) => rxConcat(...inputs),
      ),
      toArray(),
    )
    expect(report.records).toEqual([1, 2, 3])
    expect(sourcesOf(report)).toEqual({ first: { read: 2 }, second: { read: 1 } })
    expectBalanced(report)
  })

  it('tells apart sources of the same name, and counts a plain rxjs input where it enters', async () => {
    const report = await pipe(
      fanIn(
        'merge',
        [
          fromGenerator(['a'], { name: 'db' }),
          fromGenerator(['b', 'c'], { name: 'db' }),
          of(right('d')),
        ],
        (inputs) => rxMerge(...inputs),
      ),
      toArray(),
    )
    expect(sourcesOf(report)).toEqual({
      db: { read: 1 },
      'db #2': { read: 2 },
      'rxjs input of merge': { read: 1 },
    })
    expect([...report.records].sort()).toEqual(['a', 'b', 'c', 'd'])
    expect(report.read).toBe(4)
    expectBalanced(report)
  })

  it('sits as deep as its deepest input', () => {
    const shallow = fromGenerator([1])
    const deeper = pipe(
      fromGenerator([2]),
      map((n: number) => n),
      map((n: number) => n),
    )
    expect(depthOf(fanIn('merge', [shallow, deeper], (inputs) => rxMerge(...inputs)))).toBe(
      depthOf(deeper),
    )
  })

  it('refuses to combine nothing, naming itself', () => {
    expect(() => fanIn('merge', [], (inputs) => rxMerge(...inputs))).toThrow(
      new TypeError('merge: give at least one source'),
    )
  })
})
