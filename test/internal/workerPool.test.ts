import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkerPool } from '../../src/internal/workerPool.js'

let dir: string
let double: string
let named: string
let nothing: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-worker-pool-'))
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name)
    await writeFile(path, text)
    return pathToFileURL(path).href
  }
  double = await write(
    'double.mjs',
    "export default (n) => { if (n === 13) throw new Error('unlucky'); return n * 2 }\n",
  )
  named = await write('named.mjs', 'export const transform = (s) => s.toUpperCase()\n')
  nothing = await write('nothing.mjs', 'export const value = 1\n')
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('WorkerPool', () => {
  it("answers each batch with one result per record, in order, a throw becoming that record's error", async () => {
    const pool = new WorkerPool(double, 2)
    try {
      const batches = await Promise.all([pool.run([1, 2, 13]), pool.run([4]), pool.run([])])
      expect(batches).toEqual([
        [
          { ok: true, value: 2 },
          { ok: true, value: 4 },
          { ok: false, error: 'unlucky' },
        ],
        [{ ok: true, value: 8 }],
        [],
      ])
    } finally {
      pool.close()
    }
  })

  it('uses a named transform export when there is no default', async () => {
    const pool = new WorkerPool(named, 1)
    try {
      expect(await pool.run(['a'])).toEqual([{ ok: true, value: 'A' }])
    } finally {
      pool.close()
    }
  })

  it('rejects the batch, naming the module, when it exports no function', async () => {
    const pool = new WorkerPool(nothing, 1)
    try {
      await expect(pool.run([1])).rejects.toThrow(`${nothing} exports no default function`)
    } finally {
      pool.close()
    }
  })

  it('rejects a result that cannot be sent back, saying so', async () => {
    const pool = new WorkerPool(
      `data:text/javascript,${encodeURIComponent('export default () => () => 1')}`,
      1,
    )
    try {
      await expect(pool.run([1])).rejects.toThrow(/a result cannot be sent back/)
    } finally {
      pool.close()
    }
  })

  it('rejects batches still out and later ones once closed', async () => {
    const pool = new WorkerPool(double, 1)
    const out = pool.run([1])
    pool.close()
    pool.close()
    await expect(out).rejects.toThrow('the worker pool was closed')
    await expect(pool.run([1])).rejects.toThrow('the worker pool is closed')
  })
})
