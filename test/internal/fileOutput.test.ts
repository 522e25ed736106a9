import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Transform } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { FileOutput } from '../../src/internal/fileOutput.js'

let directory: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-fileOutput-'))
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

const write = (output: FileOutput, chunk: string): Promise<void> =>
  new Promise((resolve, reject) => {
    output.write(chunk, (error) => (error ? reject(error) : resolve()))
  })

const upperCase = (): Transform =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.toString('utf8').toUpperCase())
    },
  })

describe('FileOutput', () => {
  it('writes a hidden temporary file beside the target and renames it over the target on commit', async () => {
    const target = join(directory, 'out.txt')
    await writeFile(target, 'old')
    const output = await FileOutput.open(target, { stage: 'test' })
    expect(dirname(output.writingPath)).toBe(directory)
    expect(output.writingPath).toMatch(/\/\.out\.txt\.\d+\.[0-9a-f]{12}\.tmp$/)
    await write(output, 'new content')
    expect(await readFile(target, 'utf8')).toBe('old')
    expect(await output.commit()).toBe(11)
    expect(await readFile(target, 'utf8')).toBe('new content')
    expect(await readdir(directory)).toEqual(['out.txt'])
  })

  it('gives each output its own temporary file', async () => {
    const target = join(directory, 'out.txt')
    const first = await FileOutput.open(target, { stage: 'test' })
    const second = await FileOutput.open(target, { stage: 'test' })
    expect(first.writingPath).not.toBe(second.writingPath)
    await Promise.all([first.discard(), second.discard()])
    expect(await readdir(directory)).toEqual([])
  })

  it('removes the temporary file and leaves the target on discard, even mid-write', async () => {
    const target = join(directory, 'out.txt')
    await writeFile(target, 'old')
    const output = await FileOutput.open(target, { stage: 'test', fsync: false })
    for (let n = 0; n < 20; n++) output.write('x'.repeat(100_000), () => undefined)
    await output.discard()
    expect(await readFile(target, 'utf8')).toBe('old')
    expect(await readdir(directory)).toEqual(['out.txt'])
  })

  it('passes the content through a rewrite at commit, into the target', async () => {
    const target = join(directory, 'out.txt')
    const output = await FileOutput.open(target, { stage: 'test' })
    await write(output, 'abc')
    expect(await output.commit(upperCase)).toBe(3)
    expect(await readFile(target, 'utf8')).toBe('ABC')
    expect(await readdir(directory)).toEqual(['out.txt'])
  })

  it('gzips, and rewrites gzipped content through gunzip and gzip', async () => {
    const target = join(directory, 'out.txt.gz')
    const output = await FileOutput.open(target, { stage: 'test', gzip: true })
    await write(output, 'abc')
    await output.commit(upperCase)
    expect(gunzipSync(await readFile(target)).toString('utf8')).toBe('ABC')
  })

  it('appends to the target directly in append mode and reports its size before', async () => {
    const target = join(directory, 'log.txt')
    await writeFile(target, 'one\n')
    const output = await FileOutput.open(target, { stage: 'test', append: true })
    expect(output.existingBytes).toBe(4)
    expect(output.writingPath).toBe(target)
    await write(output, 'two\n')
    expect(await output.commit()).toBe(4)
    expect(await readFile(target, 'utf8')).toBe('one\ntwo\n')
  })

  it('keeps what was written on discard in append mode', async () => {
    const target = join(directory, 'log.txt')
    const output = await FileOutput.open(target, { stage: 'test', append: true })
    output.write('kept\n', () => undefined)
    await output.discard()
    expect(await readFile(target, 'utf8')).toBe('kept\n')
  })

  it('rejects with a message naming the path when the directory does not exist', async () => {
    const target = join(directory, 'missing', 'out.txt')
    await expect(FileOutput.open(target, { stage: 'toX out.txt' })).rejects.toThrow(
      `toX out.txt: cannot write ${target}: the directory ${join(directory, 'missing')} does not exist`,
    )
  })

  it('rejects when the target is a directory', async () => {
    await expect(FileOutput.open(directory, { stage: 'toX' })).rejects.toThrow(
      `toX: cannot write ${directory}: it is a directory`,
    )
  })

  it('rejects when the parent path is a file', async () => {
    await writeFile(join(directory, 'file'), '')
    const target = join(directory, 'file', 'out.txt')
    await expect(FileOutput.open(target, { stage: 'toX' })).rejects.toThrow(
      `toX: cannot write ${target}:`,
    )
  })
})

describe('FileOutput commit failures', () => {
  it('keeps the stage, the target and the rename error when the cleanup after it fails too', async () => {
    const target = join(directory, 'out.txt')
    const output = await FileOutput.open(target, { stage: 'toX out.txt', fsync: false })
    await write(output, 'content')
    // Real failures, no mocks: the target became a non-empty directory (the rename fails), and
    // the temporary file's name now holds a directory (removing it fails too).
    await mkdir(join(target, 'inside'), { recursive: true })
    await rm(output.writingPath)
    await mkdir(join(output.writingPath, 'inside'), { recursive: true })
    const error = (await output.commit().catch((caught: unknown) => caught)) as Error & {
      cleanupError?: Error
    }
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toMatch(/^toX out\.txt: cannot write .*out\.txt: .*rename/)
    expect(error.message).toMatch(/ENOTEMPTY|EISDIR/)
    expect(error.message).toContain('the temporary file')
    expect((error.cause as NodeJS.ErrnoException).syscall).toBe('rename')
    expect((error.cleanupError as NodeJS.ErrnoException | undefined)?.syscall).toBe('unlink')
  })
})
