import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PIPELINE_OPTIONS, UsageError } from '../../src/cli/arguments.js'
import { historyAppender, parseCommandArgs, startJob } from '../../src/cli/commandSetup.js'
import type { RunHistoryEntry } from '../../src/pipelines/RunHistoryEntry.js'

const OPTIONS = { ...PIPELINE_OPTIONS, grace: { type: 'string' } } as const

describe('parseCommandArgs', () => {
  it('gives the values and the positionals', () => {
    const parsed = parseCommandArgs('run', ['a.ts', '--grace', '5s', '-p', 'x=1'], OPTIONS, 'help')
    expect(parsed?.positionals).toEqual(['a.ts'])
    expect(parsed?.values.grace).toBe('5s')
    expect(parsed?.values.param).toEqual(['x=1'])
  })

  it('is a usage error naming the closest flag for an unknown one', () => {
    expect(() => parseCommandArgs('run', ['--grase', '5s'], OPTIONS, 'help')).toThrow(
      new UsageError('unknown option --grase (did you mean --grace?); see powerflow run --help'),
    )
  })
})

describe('historyAppender', () => {
  it('appends each entry, redacted, as one JSON line, and writes nothing without a path', () => {
    const folder = mkdtempSync(join(tmpdir(), 'powerflow-history-'))
    try {
      const path = join(folder, 'history.jsonl')
      const append = historyAppender(path, (text) => text.replaceAll('s3cret', '***'))
      append({ name: 's3cret' } as unknown as RunHistoryEntry)
      append({ name: 'two' } as unknown as RunHistoryEntry)
      expect(readFileSync(path, 'utf8')).toBe('{"name":"***"}\n{"name":"two"}\n')
      expect(() => historyAppender(undefined, (text) => text)({} as RunHistoryEntry)).not.toThrow()
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

describe('startJob', () => {
  it('gives what start returns and turns what it throws into a usage error', () => {
    expect(startJob(() => 42)).toBe(42)
    expect(() =>
      startJob(() => {
        throw new Error('bad cron')
      }),
    ).toThrow(new UsageError('bad cron'))
  })
})
