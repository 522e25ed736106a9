import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { ByteSource } from '../../../src/internal/input/ByteSource.js'
import { gunzipIfCompressed } from '../../../src/internal/input/gunzip.js'
import { readableBytes } from '../../../src/internal/input/streamBytes.js'

const signal = new AbortController().signal
const bytesOf = (chunks: Array<Buffer | string>): ByteSource =>
  readableBytes('s', 'the stream', Readable.from(chunks), signal)

async function all(source: ByteSource): Promise<string> {
  let text = ''
  for (let chunk = await source.read(); chunk !== undefined; chunk = await source.read())
    text += chunk.toString()
  return text
}

describe('gunzipIfCompressed', () => {
  it('inflates gzip data, even when its magic bytes come one at a time', async () => {
    const packed = gzipSync('hello')
    const split = [packed.subarray(0, 1), packed.subarray(1)]
    const found = await gunzipIfCompressed('s', 'the stream', bytesOf(split), signal, 'detect', '')
    expect(found.compressed).toBe(true)
    expect(await all(found.bytes)).toBe('hello')
  })

  it('passes other bytes and strings through, unless gzip is required', async () => {
    const plain = await gunzipIfCompressed(
      's',
      'x',
      bytesOf([Buffer.from('ab')]),
      signal,
      'detect',
      '',
    )
    expect([plain.compressed, await all(plain.bytes)]).toEqual([false, 'ab'])
    const text = await gunzipIfCompressed('s', 'x', bytesOf(['t']), signal, 'detect', '')
    expect(await all(text.bytes)).toBe('t')
    await expect(
      gunzipIfCompressed(
        's',
        'a.gz',
        bytesOf([Buffer.from('ab')]),
        signal,
        'require',
        'the name ends in .gz',
      ),
    ).rejects.toThrow('s: cannot read a.gz: the name ends in .gz but it is not gzip data')
  })
})
