import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { runToArray } from '../../../src/testing/runToArray.js'
import { fromCsv } from '../../../src/sources/fromCsv.js'
import { fromJson } from '../../../src/sources/fromJson.js'
import { INPUT_CHUNK_BYTES } from '../../../src/internal/input/ByteSource.js'
import {
  openTextInput,
  type TextInputOptions,
  type TextPiece,
} from '../../../src/internal/input/openTextInput.js'
import type { SourceInput } from '../../../src/internal/input/SourceInput.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-input-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

let files = 0
function file(content: string | Buffer, name = `f${files++}.txt`): string {
  const path = join(directory, name)
  writeFileSync(path, content)
  return path
}

const options = (extra: Partial<TextInputOptions> = {}): TextInputOptions => ({
  stage: 'stage',
  signal: new AbortController().signal,
  encoding: 'utf-8',
  labels: 'whatwg',
  strict: true,
  keepBom: false,
  gzip: 'detect',
  ...extra,
})

async function pieces(
  input: SourceInput,
  extra: Partial<TextInputOptions> = {},
): Promise<TextPiece[]> {
  const source = await openTextInput(input, options(extra))
  const found: TextPiece[] = []
  for (let piece = await source.next(); piece !== undefined; piece = await source.next())
    found.push(piece)
  await source.close()
  return found
}

const textOf = (found: readonly TextPiece[]): string => found.map((piece) => piece.text).join('')

describe('openTextInput', () => {
  it('reads a file, a stream and { text } to the same text, a file in 64 KiB reads', async () => {
    const text = 'é,😀\n'.repeat(40_000)
    const fromFile = await pieces(file(text))
    expect(textOf(fromFile)).toBe(text)
    expect(fromFile.reduce((sum, piece) => sum + piece.bytes, 0)).toBe(Buffer.byteLength(text))
    expect(Math.max(...fromFile.map((piece) => piece.bytes))).toBe(INPUT_CHUNK_BYTES)
    expect(textOf(await pieces(Readable.from([Buffer.from(text)])))).toBe(text)
    const fromMemory = await pieces({ text })
    expect(textOf(fromMemory)).toBe(text)
    // No piece of in-memory text ends inside a surrogate pair.
    for (const piece of fromMemory)
      expect(piece.text.charCodeAt(piece.text.length - 1)).not.toBe(0xd83d)
  })

  it('gives the same text however a stream cuts its bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\n', '\uFEFF'), maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (text, cuts) => {
          const bytes = Buffer.from(text)
          const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
          const chunks = [0, ...at]
            .map((start, index) => bytes.subarray(start, at[index] ?? bytes.length))
            .filter((chunk) => chunk.length > 0)
          const found = await pieces(Readable.from(chunks), { keepBom: true })
          expect(textOf(found)).toBe(text)
          expect(found.every((piece) => piece.text !== '')).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('strips a leading byte order mark unless asked to keep it, from bytes, strings and text', async () => {
    const path = file('\uFEFFid\n')
    expect(textOf(await pieces(path))).toBe('id\n')
    expect(textOf(await pieces(path, { keepBom: true }))).toBe('\uFEFFid\n')
    expect(textOf(await pieces(Readable.from(['\uFEFFid\n'])))).toBe('id\n')
    expect(textOf(await pieces({ text: '\uFEFFid\n' }))).toBe('id\n')
    expect(textOf(await pieces({ text: '\uFEFFid\n' }, { keepBom: true }))).toBe('\uFEFFid\n')
  })

  it('says whether a file read from its start began with a byte order mark (for byte offsets)', async () => {
    const startsWithBom = async (input: SourceInput, start?: number): Promise<boolean> => {
      const source = await openTextInput(input, options(start === undefined ? {} : { start }))
      while ((await source.next()) !== undefined);
      await source.close()
      return source.startsWithBom
    }
    const marked = file('\uFEFFid\n1\n')
    expect(await startsWithBom(marked)).toBe(true)
    expect(await startsWithBom(marked, 6)).toBe(false)
    expect(await startsWithBom(file('id\n1\n'))).toBe(false)
    expect(await startsWithBom({ text: '\uFEFFid\n' })).toBe(false)
  })

  it('inflates gzip found by its first bytes, and refuses a .gz name that holds no gzip', async () => {
    const text = 'a,b\n1,2\n'
    expect(textOf(await pieces(file(gzipSync(text))))).toBe(text)
    expect(textOf(await pieces(Readable.from([gzipSync(text)])))).toBe(text)
    expect(textOf(await pieces(file(gzipSync(text)), { gzip: 'never' }))).not.toBe(text)
    const plain = file(text, 'plain.csv.gz')
    await expect(pieces(plain)).rejects.toThrow(
      `stage: cannot read ${plain}: the name ends in .gz but it is not gzip data`,
    )
    await expect(pieces(file(text), { gzip: 'require' })).rejects.toThrow(/it is not gzip data/)
  })

  it('marks the bytes that are not UTF-8 when strict', async () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62])
    const strict = await pieces(file(bytes))
    expect(strict.map((piece) => [piece.text, [...piece.invalid]])).toEqual([['a\uFFFDb', [1]]])
    const lenient = await pieces(file(bytes), { strict: false })
    expect(lenient.flatMap((piece) => [...piece.invalid])).toEqual([])
    // Node's names: latin1 is ISO-8859-1.
    expect(textOf(await pieces(file(bytes), { labels: 'node', encoding: 'latin1' }))).toBe('aÿb')
  })

  it('reads only the byte spans given, and from a saved start', async () => {
    const path = file('0123456789')
    const spans = [
      { start: 0, end: 2 },
      { start: 5, end: 5 },
      { start: 6, end: 8 },
    ]
    expect(textOf(await pieces(path, { spans }))).toBe('0167')
    expect(textOf(await pieces(path, { start: 4 }))).toBe('456789')
    await expect(pieces(path, { start: 11 })).rejects.toThrow(
      `stage: ${path} holds 10 bytes, fewer than the 11 bytes the saved state says were read`,
    )
  })

  it('ends a pending read of a silent stream when the signal aborts, and destroys it on close', async () => {
    const stream = new PassThrough()
    const controller = new AbortController()
    const source = await openTextInput(
      stream,
      options({ signal: controller.signal, gzip: 'never' }),
    )
    const pending = source.next()
    controller.abort()
    await expect(pending).resolves.toBeUndefined()
    await source.close()
    expect(stream.destroyed).toBe(true)
  })

  it('refuses a stream already read, and a stream of objects', async () => {
    const stream = Readable.from(['a'])
    await pieces(stream)
    await expect(pieces(stream)).rejects.toThrow(
      'stage: cannot read the stream: it was already read or destroyed; a Readable can be read once',
    )
    await expect(pieces(Readable.from([{ a: 1 }]))).rejects.toThrow(
      'stage: cannot read the stream: it gave a object chunk; a stream must give bytes or strings',
    )
  })
})

describe('a missing file', () => {
  it('reads the same in fromCsv and fromJson', async () => {
    const missing = join(directory, 'missing.txt')
    const csv = (await runToArray(fromCsv(missing))).error?.message
    const json = (await runToArray(fromJson(missing))).error?.message
    expect(csv).toBe(`fromCsv missing.txt: cannot open ${missing}: no such file (ENOENT)`)
    expect(json).toBe(`fromJson missing.txt: cannot open ${missing}: no such file (ENOENT)`)
  })
})
