import { describe, expect, it } from 'vitest'
import {
  INPUT_CHUNK_BYTES,
  prepend,
  type ByteSource,
} from '../../../src/internal/input/ByteSource.js'
import { openTextInput } from '../../../src/internal/input/openTextInput.js'

/** A source giving `chunks` one read at a time, recording reads and closes. */
function listSource(
  chunks: ReadonlyArray<Buffer | string>,
): ByteSource & { reads: number; closes: number } {
  const left = [...chunks]
  return {
    reads: 0,
    closes: 0,
    read() {
      this.reads++
      return Promise.resolve(left.shift())
    },
    close() {
      this.closes++
      return Promise.resolve()
    },
  }
}

async function drain(source: ByteSource): Promise<Array<Buffer | string>> {
  const found: Array<Buffer | string> = []
  for (let chunk = await source.read(); chunk !== undefined; chunk = await source.read())
    found.push(chunk)
  return found
}

describe('prepend', () => {
  it('gives the first chunk, then the rest, then the end', async () => {
    const rest = listSource([Buffer.from('b'), 'c'])
    const source = prepend(Buffer.from('a'), rest)
    expect(await drain(source)).toEqual([Buffer.from('a'), Buffer.from('b'), 'c'])
    expect(await source.read()).toBeUndefined()
  })

  it('gives the first chunk once, and does not read the rest for it', async () => {
    const rest = listSource(['x'])
    const source = prepend('first', rest)
    expect(await source.read()).toBe('first')
    expect(rest.reads).toBe(0)
    expect(await source.read()).toBe('x')
  })

  it('skips an empty first chunk rather than give an empty read', async () => {
    expect(await drain(prepend(Buffer.alloc(0), listSource([Buffer.from('a')])))).toEqual([
      Buffer.from('a'),
    ])
    expect(await drain(prepend('', listSource([])))).toEqual([])
  })

  it('closes the rest when closed, even before the first chunk was read', async () => {
    const rest = listSource(['x'])
    const source = prepend('first', rest)
    await source.close()
    await source.close()
    expect(rest.closes).toBe(2)
  })
})

describe('INPUT_CHUNK_BYTES', () => {
  it('is the most text a slice of in-memory input holds', async () => {
    const input = await openTextInput(
      { text: 'x'.repeat(INPUT_CHUNK_BYTES * 2 + 5) },
      {
        stage: 'test',
        signal: new AbortController().signal,
        encoding: 'utf-8',
        labels: 'whatwg',
        strict: true,
        keepBom: false,
        gzip: 'never',
        start: 0,
        spans: undefined,
      },
    )
    const lengths: number[] = []
    for (let piece = await input.next(); piece !== undefined; piece = await input.next())
      lengths.push(piece.text.length)
    await input.close()
    expect(lengths.every((length) => length <= INPUT_CHUNK_BYTES)).toBe(true)
    expect(lengths.reduce((sum, length) => sum + length, 0)).toBe(INPUT_CHUNK_BYTES * 2 + 5)
  })
})
