import { describe, expect, it } from 'vitest'
import { PassThrough } from 'node:stream'
import { fileSinkSettings, sinkTarget } from '../../src/internal/fileSinkTarget.js'

describe('fileSinkSettings', () => {
  it('gzips by the .gz extension unless the options say otherwise', () => {
    expect(fileSinkSettings('toCsv out.csv.gz', 'out.csv.gz', {}).gzip).toBe(true)
    expect(fileSinkSettings('toCsv out.csv', 'out.csv', {}).gzip).toBe(false)
    expect(fileSinkSettings('toCsv out.csv.gz', 'out.csv.gz', { gzip: false }).gzip).toBe(false)
  })

  it('passes append and fsync only when given', () => {
    expect(fileSinkSettings('s', 'out.csv', {})).toEqual({
      stage: 's',
      path: 'out.csv',
      gzip: false,
    })
    expect(fileSinkSettings('s', 'out.csv', { append: true, fsync: false })).toMatchObject({
      append: true,
      fsync: false,
    })
  })
})

describe('sinkTarget', () => {
  it('names the stage after the file name of a path', () => {
    const { stage, settings } = sinkTarget('toCsv', '/tmp/some/dir/out.csv', {})
    expect(stage).toBe('toCsv out.csv')
    expect(settings.path).toBe('/tmp/some/dir/out.csv')
    expect(settings.stream).toBeUndefined()
  })

  it('names stdout, and never ends it', () => {
    const { stage, settings } = sinkTarget('toJson', process.stdout, {})
    expect(stage).toBe('toJson stdout')
    expect(settings.endStream).toBe(false)
  })

  it('ends a stream of its own unless end is false', () => {
    const stream = new PassThrough()
    expect(sinkTarget('toCsv', stream, {}).settings.endStream).toBe(true)
    expect(sinkTarget('toCsv', stream, { end: false }).settings.endStream).toBe(false)
    expect(sinkTarget('toCsv', stream, {}).stage).toBe('toCsv stream')
  })

  it('refuses file options for a stream, naming them', () => {
    expect(() => sinkTarget('toCsv', new PassThrough(), { append: true, gzip: true })).toThrow(
      'toCsv stream: append, gzip apply to files, not to a stream',
    )
  })

  it('refuses a target that is neither a path nor a Writable', () => {
    expect(() => sinkTarget('toCsv', 42 as unknown as string, {})).toThrow(
      'toCsv: the target must be a file path or a Writable stream',
    )
  })
})
