import { randomBytes } from 'node:crypto'
import { open, readFile, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { describeError } from '../core/Failure.js'
import type { StateStore } from '../core/StateStore.js'
import { removeLitter, syncDirectory } from '../internal/fileOutput.js'

/** The file's layout: a version, and the values by key. */
interface StateFile {
  readonly version: 1
  readonly entries: Record<string, unknown>
}

/**
 * A {@link StateStore} in one JSON file (`{ "version": 1, "entries": { key: value } }`). Each
 * `put` or `delete` writes the whole file to a temporary file beside it, fsyncs it, renames it
 * over the file and fsyncs the directory, as the file sinks commit: a crash leaves the old file or
 * the new one, never half of one.
 *
 * The first write also removes the temporary files that writers killed mid-write left beside the
 * file (their names carry a pid that no longer exists).
 *
 * A missing file is an empty store. A file that cannot be read, is not JSON, or is not a state
 * file rejects every call with an error naming the file — it is never taken for a fresh start.
 * Writes from one process are serialised; one file is meant for one pipeline process at a time.
 *
 * @example
 * ```ts
 * import { mkdtempSync, rmSync } from 'node:fs'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { fileStateStore } from 'powerflow-etl'
 *
 * const directory = mkdtempSync(join(tmpdir(), 'state-'))
 * const store = fileStateStore(join(directory, 'state.json'))
 * await store.put('deals', { positions: { source: 42 } })
 * console.assert(JSON.stringify(await store.get('deals')) === '{"positions":{"source":42}}')
 * console.assert((await store.get('contacts')) === undefined)
 * rmSync(directory, { recursive: true })
 * ```
 *
 * @param path - the JSON file; its directory must exist
 * @returns the store
 * @see {@link StateStore}
 * @category state
 * @since 0.2.0
 */
export function fileStateStore(path: string): StateStore {
  const file = resolve(path)
  // One write at a time: each reads the file the previous one wrote.
  let queue: Promise<unknown> = Promise.resolve()
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }
  // The temporary files of writers killed mid-write (their pid is gone) are removed once.
  let cleaned: Promise<unknown> | undefined
  const update = (change: (entries: Record<string, unknown>) => boolean): Promise<void> =>
    serialised(async () => {
      cleaned ??= removeLitter(dirname(file), basename(file))
      await cleaned
      const entries = { ...(await readState(file)).entries }
      if (change(entries)) await writeState(file, { version: 1, entries })
    })
  return {
    get: async (key) => (await readState(file)).entries[key],
    put: (key, value) =>
      update((entries) => {
        entries[key] = asJson(file, key, value)
        return true
      }),
    delete: (key) =>
      update((entries) => {
        if (!(key in entries)) return false
        delete entries[key]
        return true
      }),
    list: async () => Object.keys((await readState(file)).entries).sort(),
  }
}

async function readState(file: string): Promise<StateFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} }
    throw new Error(`fileStateStore: cannot read the state file ${file}: ${describeError(error)}`, {
      cause: error,
    })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(
      `fileStateStore: the state file ${file} is corrupt (not JSON: ${describeError(error)}); ` +
        'restore it from a backup or delete it to start from scratch',
      { cause: error },
    )
  }
  const candidate = parsed as Partial<StateFile> | null
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.version !== 1 ||
    typeof candidate.entries !== 'object' ||
    candidate.entries === null ||
    Array.isArray(candidate.entries)
  )
    throw new Error(
      `fileStateStore: ${file} is not a PowerFlow state file (expected { "version": 1, "entries": {…} }); ` +
        'restore it from a backup or delete it to start from scratch',
    )
  return candidate as StateFile
}

async function writeState(file: string, state: StateFile): Promise<void> {
  const directory = dirname(file)
  const temporary = join(
    directory,
    `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  )
  try {
    const handle = await open(temporary, 'w')
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, file)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw new Error(
      `fileStateStore: cannot write the state file ${file}: ${describeError(error)}`,
      { cause: error },
    )
  }
  await syncDirectory(directory)
}

/** The value as it will read back: a value JSON cannot hold is an error now, not a surprise later. */
function asJson(file: string, key: string, value: unknown): unknown {
  const text = JSON.stringify(value)
  if (text === undefined)
    throw new TypeError(
      `fileStateStore ${file}: the value for ${JSON.stringify(key)} cannot be written as JSON`,
    )
  return JSON.parse(text) as unknown
}
