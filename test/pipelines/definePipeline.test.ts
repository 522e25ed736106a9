import { describe, expect, it } from 'vitest'
import { definePipeline, isPipeline } from '../../src/pipelines/definePipeline.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { toArray } from '../../src/sinks/toArray.js'
import { pipe } from 'fp-ts/lib/function.js'

const echo = definePipeline({
  name: 'echo',
  description: 'Writes its parameters back.',
  run: (ctx) => pipe(fromGenerator([ctx.params]), toArray({ ...ctx.runOptions })),
})

describe('definePipeline', () => {
  it('keeps the name, description and run, tagged as a pipeline', () => {
    expect(echo).toMatchObject({
      _tag: 'Pipeline',
      name: 'echo',
      description: 'Writes its parameters back.',
    })
    expect(isPipeline(echo)).toBe(true)
  })

  it('runs with the context it is given', async () => {
    const controller = new AbortController()
    const report = await echo.run({
      name: 'echo',
      signal: controller.signal,
      params: { since: '2026-01-01' },
      env: {},
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      runOptions: { name: 'echo', signal: controller.signal },
    })
    expect(report).toMatchObject({ name: 'echo', status: 'completed', written: 1 })
    expect(report['records']).toEqual([{ since: '2026-01-01' }])
  })

  it('refuses an empty name or a run that is not a function', () => {
    expect(() => definePipeline({ name: ' ', run: echo.run })).toThrow(
      'definePipeline: name must be a non-empty string',
    )
    expect(() => definePipeline({ name: 'x', run: 'nope' as unknown as typeof echo.run })).toThrow(
      'definePipeline x: run must be a function',
    )
  })

  it('recognises a pipeline by its shape, not by its copy of the library', () => {
    expect(isPipeline({ _tag: 'Pipeline', name: 'copy', run: async () => undefined })).toBe(true)
    expect(isPipeline({ name: 'plain', run: async () => undefined })).toBe(false)
    expect(isPipeline(undefined)).toBe(false)
    expect(isPipeline(42)).toBe(false)
  })
})
