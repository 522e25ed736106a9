import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sqliteStateStore } from '../../../src/integrations/sqlite/sqliteStateStore.js'
import { stateStoreContract } from '../../support/stateStoreContract.js'

let directory: string
let path: string
const opened: Array<{ close(): void }> = []
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-sqlite-state-'))
  path = join(directory, 'state.db')
})
afterEach(async () => {
  for (const store of opened.splice(0)) store.close()
  await rm(directory, { recursive: true, force: true })
})

function store(where: string = path, table?: string): ReturnType<typeof sqliteStateStore> {
  const made = sqliteStateStore(where, table === undefined ? {} : { table })
  opened.push(made)
  return made
}

describe('sqliteStateStore', () => {
  stateStoreContract(() => store())

  it('keeps the state of many pipelines in one database, read back by a new connection', async () => {
    await store().put('deals', { since: 1 })
    await store().put('contacts', { since: 2 })
    const again = store()
    expect(await again.list()).toEqual(['contacts', 'deals'])
    expect(await again.get('contacts')).toEqual({ since: 2 })
  })

  it('uses the table it is given, in a Database the caller opened and keeps open', async () => {
    const db = new Database(path)
    const given = sqliteStateStore(db, { table: 'sync state' })
    await given.put('deals', 3)
    given.close()
    expect(db.prepare('SELECT key, value FROM "sync state"').all()).toEqual([
      { key: 'deals', value: '3' },
    ])
    db.close()
  })

  it('rejects a file that is not a SQLite database, naming it', async () => {
    await writeFile(
      path,
      'this is not a database, just some text long enough to matter\n'.repeat(20),
    )
    await expect(store().get('deals')).rejects.toThrow(
      `sqliteStateStore ${path}: cannot read "deals"`,
    )
  })

  it('rejects a value that is not JSON, naming the file and the key', async () => {
    await store().put('deals', 1)
    const db = new Database(path)
    db.prepare(`UPDATE powerflow_state SET value = '{oops' WHERE key = 'deals'`).run()
    db.close()
    await expect(store().get('deals')).rejects.toThrow(
      `sqliteStateStore ${path}: cannot read "deals": the value is corrupt`,
    )
  })
})
