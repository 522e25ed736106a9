import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { splitFiles } from '../../../src/integrations/distributed/index.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-splitFiles-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe('splitFiles', () => {
  it('gives one task per matching file, in name order, skipping folders and other names', async () => {
    for (const name of ['b.csv', 'a.csv', 'c.tsv', 'readme.md'])
      writeFileSync(join(directory, name), '')
    mkdirSync(join(directory, 'd.csv'))
    expect(await splitFiles(join(directory, '*.{csv,tsv}'))).toEqual([
      { kind: 'file', id: 'task-0000', path: join(directory, 'a.csv') },
      { kind: 'file', id: 'task-0001', path: join(directory, 'b.csv') },
      { kind: 'file', id: 'task-0002', path: join(directory, 'c.tsv') },
    ])
    expect(await splitFiles(join(directory, '*.json'))).toEqual([])
  })

  it('rejects naming a folder that cannot be read', async () => {
    await expect(splitFiles(join(directory, 'missing', '*.csv'))).rejects.toThrow(
      `splitFiles: cannot read the folder ${join(directory, 'missing')}`,
    )
  })
})
