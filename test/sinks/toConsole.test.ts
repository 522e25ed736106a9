import { describe, expect, it } from 'vitest'
import { PassThrough, Writable } from 'node:stream'
import { pipe } from 'fp-ts/lib/function.js'
import { toConsole } from '../../src/sinks/toConsole.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { expectBalanced, settle } from '../support/ledger.js'

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

describe('toConsole, when its stream breaks', () => {
  it('fails the run saying why, without an unhandled error, when its stream breaks', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
      },
    })
    const { report, error } = await settle(
      pipe(fromGenerator([{ a: 1 }, { a: 2 }]), toConsole({ stream: broken, json: true })),
    )
    expect(report.status).toBe('failed')
    expect(error?.message).toBe('toConsole: cannot write: write EPIPE')
    expectBalanced(report)
    await new Promise((resolve) => setTimeout(resolve, 10))
  })
})
