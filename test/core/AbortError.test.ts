import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { AbortError } from '../../src/core/AbortError.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { rejection } from '../support/ledger.js'

describe('AbortError', () => {
  it('is an Error named AbortError, with no report until a run gives it one', () => {
    const error = new AbortError('stopped by the user')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('AbortError')
    expect(error.message).toBe('stopped by the user')
    expect(error.report).toBeUndefined()
  })

  it('is what a run rejects with when its signal aborts, carrying the aborted report', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(
      pipe(fromGenerator([1, 2, 3]), toArray({ signal: controller.signal })),
    )
    expect(error).toBeInstanceOf(AbortError)
    expect(error.report?.status).toBe('aborted')
  })
})
