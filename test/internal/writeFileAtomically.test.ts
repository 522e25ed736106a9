import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileAtomically } from '../../src/internal/writeFileAtomically.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-write-atomically-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('writeFileAtomically', () => {
  it('writes the text, replacing an earlier file, and leaves no temporary file', async () => {
    const path = join(dir, 'state.json')
    await writeFile(path, 'EARLIER')
    await writeFileAtomically(path, '{"n":1}')
    expect(await readFile(path, 'utf8')).toBe('{"n":1}')
    expect(await readdir(dir)).toEqual(['state.json'])
  })

  it('fails naming the target when it cannot be replaced (a folder), removing the temporary file', async () => {
    const target = join(dir, 'a-directory')
    await mkdir(target)
    await writeFile(join(target, 'inside'), 'kept')
    const error = await writeFileAtomically(target, 'text').then(
      () => undefined,
      (caught: unknown) => caught as Error,
    )
    expect(error?.message.startsWith(`${target}: `)).toBe(true)
    expect(error?.cause).toBeInstanceOf(Error)
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('kept')
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('fails naming the target when its folder does not exist', async () => {
    const target = join(dir, 'missing', 'state.json')
    await expect(writeFileAtomically(target, 'x')).rejects.toThrow(target)
  })
})
