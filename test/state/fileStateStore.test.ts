import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fileStateStore } from '../../src/state/fileStateStore.js'
import { stateStoreContract } from '../support/stateStoreContract.js'

let directory: string
let path: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-state-'))
  path = join(directory, 'state.json')
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe('fileStateStore', () => {
  stateStoreContract(() => fileStateStore(path))

  it('writes a versioned JSON file and leaves no temporary file behind', async () => {
    const store = fileStateStore(path)
    await store.put('deals', { since: 5 })
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      version: 1,
      entries: { deals: { since: 5 } },
    })
    expect(await readdir(directory)).toEqual(['state.json'])
  })

  it('lays the file out as JSON.stringify(…, null, 2) does', async () => {
    const store = fileStateStore(path)
    const value = { positions: { csv: { offset: 12, line: 3 } }, list: [1, 'two', null], e: {} }
    await store.put('deals', value)
    await store.put('contacts', 'x\ny')
    expect(await readFile(path, 'utf8')).toBe(
      `${JSON.stringify({ version: 1, entries: { deals: value, contacts: 'x\ny' } }, null, 2)}\n`,
    )
    await store.delete('deals')
    await store.delete('contacts')
    expect(await readFile(path, 'utf8')).toBe(
      `${JSON.stringify({ version: 1, entries: {} }, null, 2)}\n`,
    )
  })

  it('sees what another store wrote to the same file since, and keeps it', async () => {
    const first = fileStateStore(path)
    const second = fileStateStore(path)
    await first.put('a', 1)
    await second.put('b', 2)
    expect(await first.get('b')).toBe(2)
    await first.put('c', 3)
    expect(await second.list()).toEqual(['a', 'b', 'c'])
    await writeFile(path, '{"version":1,"entries":{"edited":true}}')
    expect(await first.list()).toEqual(['edited'])
  })

  it('keeps a key named __proto__ as any other', async () => {
    const store = fileStateStore(path)
    await store.put('__proto__', { polluted: true })
    await store.put('plain', 1)
    expect(await store.list()).toEqual(['__proto__', 'plain'])
    expect(await fileStateStore(path).get('__proto__')).toEqual({ polluted: true })
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('is read back by a new store on the same file', async () => {
    await fileStateStore(path).put('deals', [1, 2])
    expect(await fileStateStore(path).get('deals')).toEqual([1, 2])
  })

  it('rejects a corrupt file naming it, rather than starting afresh', async () => {
    await writeFile(path, '{"version":1,"entries":{"deals":')
    const store = fileStateStore(path)
    await expect(store.get('deals')).rejects.toThrow(`the state file ${path} is corrupt`)
    await expect(store.put('deals', 1)).rejects.toThrow(path)
    // The corrupt file is left as it was, for the user to inspect.
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"entries":{"deals":')
  })

  it('rejects a JSON file that is not a state file, naming it', async () => {
    await writeFile(path, '[1,2]')
    await expect(fileStateStore(path).list()).rejects.toThrow(
      `${path} is not a PowerFlow state file`,
    )
  })

  it('rejects an unreadable path naming it', async () => {
    // A directory where the file should be cannot be read as a file.
    await expect(fileStateStore(directory).get('x')).rejects.toThrow(
      `cannot read the state file ${directory}`,
    )
  })

  it('rejects a write into a missing directory naming the file, and the old state stays', async () => {
    const missing = join(directory, 'nowhere', 'state.json')
    await expect(fileStateStore(missing).put('x', 1)).rejects.toThrow(
      `cannot write the state file ${missing}`,
    )
  })
})
