import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'

/** A fresh temporary folder for each test, and the path of a database file in it. */
export interface SqliteWorkspace {
  readonly directory: string
  readonly path: string
}

/**
 * Gives each test of the calling file its own temporary folder (removed after the test) and the
 * path `crm.db` in it. Call it at the top level of the file; read the fields inside a test.
 */
export function sqliteWorkspace(): SqliteWorkspace {
  const current = { directory: '', path: '' }
  beforeEach(async () => {
    current.directory = await mkdtemp(join(tmpdir(), 'powerflow-sqlite-'))
    current.path = join(current.directory, 'crm.db')
  })
  afterEach(async () => {
    await rm(current.directory, { recursive: true, force: true })
  })
  return current
}
