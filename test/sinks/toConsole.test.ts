import { describe, expect, it } from 'vitest'
import { PassThrough } from 'node:stream'
import { pipe } from 'fp-ts/lib/function.js'
import { toConsole } from '../../src/sinks/toConsole.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'

describe('toConsole', () => {
  it('prints up to the limit, then counts the rest, and every record counts as written', async () => {
    const stream = new PassThrough()
    let text = ''
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
    const records = Array.from({ length: 12 }, (_, id) => ({ id }))
    const report = await pipe(fromGenerator(records), toConsole({ stream, json: true }))
    expect(text.split('\n').slice(0, 10)).toEqual(
      records.slice(0, 10).map((r) => JSON.stringify(r)),
    )
    expect(text).toContain('… and 2 more records\n')
    expect(report.written).toBe(12)
  })
})
