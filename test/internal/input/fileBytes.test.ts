import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ByteSource } from '../../../src/internal/input/ByteSource.js'
import { openFileBytes } from '../../../src/internal/input/fileBytes.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-file-bytes-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

async function all(source: ByteSource): Promise<string> {
  let text = ''
  for (let chunk = await source.read(); chunk !== undefined; chunk = await source.read())
    text += chunk.toString()
  return text
}

describe('openFileBytes', () => {
  it('reads a file whole, from a start, or only its spans (a span past the end ends early)', async () => {
    const path = join(directory, 'digits.txt')
    writeFileSync(path, '0123456789')
    const signal = new AbortController().signal
    expect(await all(await openFileBytes('s', path, signal))).toBe('0123456789')
    expect(await all(await openFileBytes('s', path, signal, { start: 7 }))).toBe('789')
    const spans = [
      { start: 8, end: 20 },
      { start: 1, end: 3 },
    ]
    expect(await all(await openFileBytes('s', path, signal, { spans }))).toBe('8912')
  })

  it('ends reading once closed or aborted, and closes more than once safely', async () => {
    const path = join(directory, 'closed.txt')
    writeFileSync(path, 'abc')
    const controller = new AbortController()
    const source = await openFileBytes('s', path, controller.signal)
    controller.abort()
    expect(await source.read()).toBeUndefined()
    await source.close()
    await source.close()
  })

  it('rejects a missing file naming the stage and the path', async () => {
    const path = join(directory, 'missing.txt')
    await expect(openFileBytes('s', path, new AbortController().signal)).rejects.toThrow(
      `s: cannot open ${path}: no such file (ENOENT)`,
    )
  })
})
