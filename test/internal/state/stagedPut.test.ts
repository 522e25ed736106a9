import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StateStore } from '../../../src/core/StateStore.js'
import { stagePut } from '../../../src/internal/state/stagedPut.js'
import { fileStateStore } from '../../../src/state/fileStateStore.js'

let directory: string
let path: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-staged-'))
  path = join(directory, 'state.json')
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

/** A store without the two-step hook: every call noted. */
function plainStore(): { store: StateStore; calls: string[] } {
  const entries = new Map<string, unknown>()
  const calls: string[] = []
  return {
    calls,
    store: {
      get: async (key) => entries.get(key),
      put: async (key, value) => {
        calls.push(`put ${key}`)
        entries.set(key, value)
      },
      delete: async (key) => {
        entries.delete(key)
      },
      list: async () => [...entries.keys()].sort(),
    },
  }
}

describe('stagePut', () => {
  it('commits a store without the hook with one put, and abandons it with none', async () => {
    const { store, calls } = plainStore()
    const staged = stagePut(store, 'a', 1, { durable: false })
    await staged.ready
    expect(calls).toEqual([])
    await staged.commit()
    expect(calls).toEqual(['put a'])
    expect(await store.get('a')).toBe(1)
    const dropped = stagePut(store, 'a', 2, { durable: true })
    await dropped.ready
    await dropped.abandon()
    expect(await store.get('a')).toBe(1)
    expect(calls).toEqual(['put a'])
  })

  it('writes fileStateStore’s new copy first, and the value changes only at the commit', async () => {
    const store = fileStateStore(path)
    await store.put('run', { n: 1 })
    const staged = stagePut(store, 'run', { n: 2 }, { durable: false })
    await staged.ready
    // Staged: the new copy is beside the file, fsynced; the file still says the old value.
    const files = await readdir(directory)
    expect(files).toHaveLength(2)
    const copy = files.find((name) => name !== 'state.json') as string
    expect(JSON.parse(await readFile(join(directory, copy), 'utf8'))).toEqual({
      version: 1,
      entries: { run: { n: 2 } },
    })
    expect(await store.get('run')).toEqual({ n: 1 })
    expect(await fileStateStore(path).get('run')).toEqual({ n: 1 })
    await staged.commit()
    expect(await store.get('run')).toEqual({ n: 2 })
    expect(await fileStateStore(path).get('run')).toEqual({ n: 2 })
    expect(await readdir(directory)).toEqual(['state.json'])
  })

  it('leaves fileStateStore’s value as it was when abandoned, with no copy left behind', async () => {
    const store = fileStateStore(path)
    await store.put('run', 1)
    for (const durable of [false, true]) {
      const staged = stagePut(store, 'run', 2, { durable })
      await staged.ready
      await staged.abandon()
      expect(await store.get('run')).toBe(1)
      expect(await readdir(directory)).toEqual(['state.json'])
    }
  })

  it('holds fileStateStore’s other writes until the commit, so none is lost', async () => {
    const store = fileStateStore(path)
    const staged = stagePut(store, 'checkpoint', 'staged', { durable: true })
    await staged.ready
    let putDone = false
    const put = store.put('other', 'later').then(() => {
      putDone = true
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(putDone).toBe(false)
    await staged.commit()
    await put
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      version: 1,
      entries: { checkpoint: 'staged', other: 'later' },
    })
  })

  it('rejects ready naming the file when the copy cannot be written, and abandon still resolves', async () => {
    const missing = join(directory, 'nowhere', 'state.json')
    const staged = stagePut(fileStateStore(missing), 'run', 1, { durable: false })
    await expect(staged.ready).rejects.toThrow(`cannot write the state file ${missing}`)
    await expect(staged.abandon()).resolves.toBeUndefined()
  })

  it('refuses a value JSON cannot hold when staging, naming the key', async () => {
    const staged = stagePut(fileStateStore(path), 'run', () => 1, { durable: false })
    await expect(staged.ready).rejects.toThrow('the value for "run" cannot be written as JSON')
    await staged.abandon()
    expect(await readdir(directory)).toEqual([])
  })
})
