import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { INVALID_UTF8 as CSV_REASON } from '../../../src/internal/csv/rowProblems.js'
import { invalidUtf8Reason } from '../../../src/internal/input/invalidUtf8.js'
import { openTextInput } from '../../../src/internal/input/openTextInput.js'
import { INVALID_UTF8 as NDJSON_REASON } from '../../../src/internal/json/NdjsonSplitter.js'

describe('invalidUtf8Reason', () => {
  it('names the problem and both ways out: the encoding to pass, or strictEncoding: false', () => {
    expect(invalidUtf8Reason("'latin1'")).toBe(
      "invalid UTF-8 byte sequence: if the input is not UTF-8, pass its encoding (such as encoding: 'latin1'), or strictEncoding: false to read such bytes as U+FFFD",
    )
  })

  it('gives every text source the same sentence, but for how its option names Latin-1', () => {
    const shape = (reason: string): string => reason.replace(/\(such as encoding: [^)]*\)/, '(…)')
    expect(shape(CSV_REASON)).toBe(shape(NDJSON_REASON))
    expect(CSV_REASON).toContain("encoding: 'windows-1252' or 'latin1'")
    expect(NDJSON_REASON).toContain("encoding: 'latin1'")
  })
})

describe('when the reason applies', () => {
  /** The text and the offsets of undecodable characters read from `pieces`, strictly. */
  async function decode(pieces: Buffer[]): Promise<{ text: string; invalid: number[] }> {
    const input = await openTextInput(Readable.from(pieces), {
      stage: 'test',
      signal: new AbortController().signal,
      encoding: 'utf-8',
      labels: 'whatwg',
      strict: true,
      keepBom: false,
      gzip: 'never',
    })
    let text = ''
    const invalid: number[] = []
    for (let piece = await input.next(); piece !== undefined; piece = await input.next()) {
      for (const offset of piece.invalid) invalid.push(text.length + offset)
      text += piece.text
    }
    await input.close()
    return { text, invalid }
  }

  it('is not given for a multi-byte character split across chunks, wherever the cut', async () => {
    const bytes = Buffer.from('aé😀€b')
    for (let cut = 1; cut < bytes.length; cut++)
      expect(await decode([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual({
        text: 'aé😀€b',
        invalid: [],
      })
  })

  it('is given for bytes that are not UTF-8, and for a character the input cuts short', async () => {
    expect((await decode([Buffer.from([0x61, 0xff, 0x62])])).invalid).toEqual([1])
    expect((await decode([Buffer.from('a'), Buffer.from([0xe2, 0x82])])).invalid).toEqual([1])
  })
})
