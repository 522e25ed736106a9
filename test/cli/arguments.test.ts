import { describe, expect, it } from 'vitest'
import { parseArgs } from 'node:util'
import {
  parseDuration,
  parseParams,
  pipelineFile,
  UsageError,
  usageErrorOf,
} from '../../src/cli/arguments.js'

describe('parseParams', () => {
  it('reads key=value pairs, keeping any further = in the value', () => {
    expect(parseParams(['since=2026-01-01', 'query=a=b', 'empty='])).toEqual({
      since: '2026-01-01',
      query: 'a=b',
      empty: '',
    })
    expect(parseParams(undefined)).toEqual({})
  })

  it('refuses a parameter without a key or an =', () => {
    expect(() => parseParams(['nothing'])).toThrow(
      new UsageError('--param expects key=value, got "nothing" (e.g. --param since=2026-01-01)'),
    )
    expect(() => parseParams(['=value'])).toThrow(UsageError)
  })
})

describe('parseDuration', () => {
  it('reads ms, s, m and h, and a bare number as seconds', () => {
    expect(
      ['500ms', '30s', '2m', '1h', '1.5', undefined].map((value) =>
        parseDuration('grace', value, 7),
      ),
    ).toEqual([500, 30_000, 120_000, 3_600_000, 1_500, 7])
  })

  it('names the flag of a duration it cannot read', () => {
    expect(() => parseDuration('grace', 'soon', 0)).toThrow(
      '--grace expects a duration such as 30s, 500ms or 2m, got "soon"',
    )
  })
})

describe('usageErrorOf', () => {
  const options = { param: { type: 'string' }, report: { type: 'string' } } as const

  it('names the closest known option of an unknown one', () => {
    let error: unknown
    try {
      parseArgs({ args: ['--reprot', 'x'], options })
    } catch (thrown) {
      error = thrown
    }
    expect(usageErrorOf('run', error, options).message).toBe(
      'unknown option --reprot (did you mean --report?); see powerflow run --help',
    )
  })

  it('names no option when none is close', () => {
    let error: unknown
    try {
      parseArgs({ args: ['--zzzzzzzzzz'], options })
    } catch (thrown) {
      error = thrown
    }
    expect(usageErrorOf('run', error, options).message).toBe(
      'unknown option --zzzzzzzzzz; see powerflow run --help',
    )
  })
})

describe('pipelineFile', () => {
  it('takes exactly one file', () => {
    expect(pipelineFile('run', ['a.ts'])).toBe('a.ts')
    expect(() => pipelineFile('run', [])).toThrow('powerflow run needs a pipeline file')
    expect(() => pipelineFile('run', ['a.ts', 'b.ts'])).toThrow('takes one pipeline file, got 2')
  })
})
