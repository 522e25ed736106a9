import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { pipe } from 'fp-ts/lib/function.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StateStore } from '../../src/core/StateStore.js'
import { fromSqlite } from '../../src/integrations/sqlite/fromSqlite.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toArray } from '../../src/sinks/toArray.js'
import { fileStateStore } from '../../src/state/fileStateStore.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { RunState } from '../../src/internal/runState.js'
import { expectBalanced, rejection } from '../support/ledger.js'

let directory: string
let database: string
let statePath: string
let output: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-run-state-'))
  database = join(directory, 'crm.db')
  statePath = join(directory, 'state.json')
  output = join(directory, 'deals.csv')
  const db = new Database(database)
  db.exec('CREATE TABLE deals (id INTEGER PRIMARY KEY, name TEXT NOT NULL)')
  db.close()
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

function insertDeals(from: number, to: number): void {
  const db = new Database(database)
  const insert = db.prepare('INSERT INTO deals VALUES (?, ?)')
  for (let id = from; id <= to; id++) insert.run(id, `deal ${id}`)
  db.close()
}

const deals = (): ReturnType<typeof fromSqlite> =>
  fromSqlite(database, 'SELECT id, name FROM deals', [], {
    name: 'deals',
    since: { column: 'id' },
  })

async function csvIds(): Promise<string[]> {
  const text = await readFile(output, 'utf8')
  return text
    .trim()
    .split(/\r\n/)
    .slice(1)
    .map((line) => line.split(',')[0] ?? '')
}

/** A store that records the order of events around its puts, and can fail them. */
function observedStore(inner: StateStore, onPut: () => void | Promise<void>): StateStore {
  return {
    get: (key) => inner.get(key),
    put: async (key, value) => {
      await onPut()
      await inner.put(key, value)
    },
    delete: (key) => inner.delete(key),
    list: () => inner.list(),
  }
}

describe('the state run option', () => {
  it('starts an incremental source where the last committed run stopped', async () => {
    const store = fileStateStore(statePath)
    insertDeals(1, 5)
    const first = await pipe(deals(), toArray({ state: { store, key: 'deals' } }))
    expect(first.records.map((row) => row['id'])).toEqual([1, 2, 3, 4, 5])
    expect(first['state']).toMatchObject({ key: 'deals' })
    insertDeals(6, 8)
    const second = await pipe(deals(), toArray({ state: { store, key: 'deals' } }))
    expect(second.records.map((row) => row['id'])).toEqual([6, 7, 8])
    expectBalanced(second)
    const third = await pipe(deals(), toArray({ state: { store, key: 'deals' } }))
    expect(third.read).toBe(0)
    expect(await store.get('deals')).toMatchObject({
      version: 1,
      positions: { deals: { bookmark: { field: 'id', value: 8 } } },
    })
  })

  it('saves an empty document for a run whose sources have no position', async () => {
    const store = fileStateStore(statePath)
    await pipe(
      fromGenerator(async function* () {
        yield { at: 1 }
      }),
      toArray({ state: { store, key: 'none' } }),
    )
    expect(await store.get('none')).toMatchObject({ version: 1, positions: {} })
  })

  it('saves the position only after the file sink renamed its file into place', async () => {
    insertDeals(1, 3)
    const seen: Array<string[] | undefined> = []
    const store = observedStore(fileStateStore(statePath), async () => {
      seen.push(existsSync(output) ? await csvIds() : undefined)
    })
    await pipe(deals(), toCsv(output, { state: { store, key: 'deals' } }))
    expect(seen).toEqual([['1', '2', '3']])
  })

  it('gives duplicates, never a gap, when the process dies between the sink commit and the state save', async () => {
    insertDeals(1, 3)
    const store = fileStateStore(statePath)
    const crashing = observedStore(store, () => {
      throw new Error('killed before the state was saved')
    })
    const error = await rejection(
      pipe(deals(), toCsv(output, { state: { store: crashing, key: 'deals' } })),
    )
    expect(error.message).toMatch(/the records were written, but saving the state "deals" failed/)
    expect(error.report?.written).toBe(3)
    expect(await csvIds()).toEqual(['1', '2', '3'])
    insertDeals(4, 4)
    // The next run reads the last run's records again, and the new one: nothing is skipped.
    await pipe(deals(), toCsv(output, { state: { store, key: 'deals' } }))
    expect(await csvIds()).toEqual(['1', '2', '3', '4'])
    insertDeals(5, 5)
    await pipe(deals(), toCsv(output, { state: { store, key: 'deals' } }))
    expect(await csvIds()).toEqual(['5'])
  })

  it('saves nothing when the sink fails to commit', async () => {
    insertDeals(1, 3)
    let puts = 0
    const store = observedStore(fileStateStore(statePath), () => {
      puts += 1
    })
    const missing = join(directory, 'no such directory', 'deals.csv')
    await rejection(pipe(deals(), toCsv(missing, { state: { store, key: 'deals' } })))
    expect(puts).toBe(0)
    expect(existsSync(statePath)).toBe(false)
  })

  it('saves nothing when the run is aborted', async () => {
    insertDeals(1, 3)
    let puts = 0
    const store = observedStore(fileStateStore(statePath), () => {
      puts += 1
    })
    const controller = new AbortController()
    controller.abort()
    await rejection(
      pipe(deals(), toArray({ signal: controller.signal, state: { store, key: 'deals' } })),
    )
    expect(puts).toBe(0)
  })

  it('fails the run naming the file when the state is corrupt, and writes nothing', async () => {
    insertDeals(1, 3)
    await writeFile(statePath, '{ not json')
    const error = await rejection(
      pipe(deals(), toCsv(output, { state: { store: fileStateStore(statePath), key: 'deals' } })),
    )
    expect(error.message).toContain(`cannot load the state "deals"`)
    expect(error.message).toContain(`the state file ${statePath} is corrupt`)
    expect(existsSync(output)).toBe(false)
  })

  it('refuses a saved position that is not a bookmark on the since column', async () => {
    insertDeals(1, 3)
    const store = fileStateStore(statePath)
    await store.put('deals', {
      version: 1,
      positions: { deals: { bookmark: { field: 'name', value: 'x' } } },
      committedAt: '2026-01-01T00:00:00.000Z',
    })
    const error = await rejection(pipe(deals(), toArray({ state: { store, key: 'deals' } })))
    expect(error.message).toMatch(/not a bookmark on id/)
  })

  it('refuses a key that holds something other than a run state', async () => {
    const store = fileStateStore(statePath)
    await store.put('deals', { since: 5 })
    const error = await rejection(pipe(deals(), toArray({ state: { store, key: 'deals' } })))
    expect(error.message).toMatch(/the state "deals" is not a run's state/)
  })
})

describe('RunState', () => {
  it('writes nothing at commit when a sink committed the document in the transaction of its rows', async () => {
    const puts: unknown[] = []
    const store: StateStore = {
      get: async () => ({ version: 1, positions: { earlier: 1 }, committedAt: 'then' }),
      put: async (_key, value) => {
        puts.push(value)
      },
      delete: async () => undefined,
      list: async () => [],
    }
    const state = new RunState({ store, key: 'deals' }, 'run')
    state.reach('source', { offset: 3 })
    const document = await state.document()
    expect(document.positions).toEqual({ earlier: 1, source: { offset: 3 } })
    state.committedBy(document)
    expect(await state.commit()).toBe(document)
    expect(puts).toEqual([])
  })
})
