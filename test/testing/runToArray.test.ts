import { describe, expect, it } from 'vitest'
import { Observable } from 'rxjs'
import { pipe } from 'fp-ts/lib/function.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { map } from '../../src/operators/map.js'
import { failFast } from '../../src/policies/failFast.js'
import { runToArray } from '../../src/testing/runToArray.js'
import { expectBalanced } from '../support/ledger.js'

const failingAt = (bad: number) =>
  map((n: number) => {
    if (n === bad) throw new Error(`no ${bad}s`)
    return n
  })

describe('runToArray', () => {
  it('resolves with the records, the failures and the report of a completed run, and no error', async () => {
    const result = await runToArray(pipe(fromGenerator([1, 2, 3]), failingAt(2)))
    expect(result.records).toEqual([1, 3])
    expect(result.failures.map((failure) => failure.message)).toEqual(['map: no 2s'])
    expect(result.report.status).toBe('completed')
    expect(result.error).toBeUndefined()
    expectBalanced(result.report)
  })

  it('resolves, never rejects, when the run fails fast, with the error and the records before it', async () => {
    const result = await runToArray(pipe(fromGenerator([1, 2, 3]), failingAt(2), failFast()))
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toBe('map: no 2s')
    expect(result.records).toEqual([1])
    expect(result.failures).toHaveLength(1)
    expectBalanced(result.report)
  })

  it('resolves with an AbortError when the run is aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const result = await runToArray(fromGenerator([1, 2]), { signal: controller.signal })
    expect(result.report.status).toBe('aborted')
    expect(result.error?.name).toBe('AbortError')
    expectBalanced(result.report)
  })

  it('passes its options to the run', async () => {
    const result = await runToArray(fromGenerator([1, 2]), { name: 'nightly' })
    expect(result.report.name).toBe('nightly')
  })

  it('resolves with the error when a plain Observable reaches it, saying to wrap it', async () => {
    const notAFlow = new Observable<number>((subscriber) => {
      subscriber.next(1)
      subscriber.complete()
    })
    const result = await runToArray(notAFlow as never)
    expect(result.report.status).toBe('failed')
    expect(result.error?.message).toContain('fromObservable')
    expect(result.records).toEqual([])
  })
})
