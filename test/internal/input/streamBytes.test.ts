import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readableBytes } from '../../../src/internal/input/streamBytes.js'

describe('readableBytes', () => {
  it('gives bytes and strings as the stream gives them', async () => {
    const source = readableBytes(
      's',
      'the stream',
      Readable.from(['a', Buffer.from('b')]),
      new AbortController().signal,
    )
    expect(await source.read()).toBe('a')
    expect(await source.read()).toEqual(Buffer.from('b'))
    expect(await source.read()).toBeUndefined()
  })

  it('fails a read with the error the stream gave, naming the place', async () => {
    const stream = new PassThrough()
    const source = readableBytes('s', 'the stream', stream, new AbortController().signal)
    const reading = source.read()
    stream.destroy(new Error('socket hang up'))
    await expect(reading).rejects.toThrow('s: cannot read the stream: socket hang up')
  })
})
