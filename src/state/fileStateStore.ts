import { randomBytes } from 'node:crypto'
import type { BigIntStats } from 'node:fs'
import { open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { describeError } from '../core/Failure.js'
import type { StateStore } from '../core/StateStore.js'
import { removeLitter, syncDirectory } from '../internal/fileOutput.js'
import {
  STAGE_PUT,
  type StagedPut,
  type StagedPutOptions,
  type StagingStore,
} from '../internal/state/stagedPut.js'

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
 * The store keeps the entries it last read or wrote, and reads the file again only when its
 * inode, size or modification time changed (another store, a person, wrote it since).
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
  // One write at a time: each starts from the file the previous one wrote.
  let queue: Promise<unknown> = Promise.resolve()
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }
  // The entries as this store last read or wrote them, with the file's identity then: while the
  // file is still that one (same inode, size and modification time), it is not read again.
  let known: Known | undefined
  const current = async (): Promise<Map<string, string>> => {
    const stamp = await stampOf(file)
    if (stamp === undefined) return new Map()
    if (known !== undefined && known.stamp === stamp) return known.texts
    const texts = textsOf(await readState(file))
    known = { stamp, texts }
    return texts
  }
  // The temporary files of writers killed mid-write (their pid is gone) are removed once.
  let cleaned: Promise<unknown> | undefined
  // Writes the entries `change` makes: at once, or for a checkpoint (internal/state/stagedPut) in
  // two steps — the temporary file written and fsynced, `staged` called, and the rename left to
  // the caller's `decision`, holding the queue until then.
  const update = (
    change: (texts: Map<string, string>) => boolean,
    step?: {
      readonly staged: () => void
      readonly decision: Promise<boolean>
      readonly durable: boolean
    },
  ): Promise<void> =>
    serialised(async () => {
      cleaned ??= removeLitter(dirname(file), basename(file))
      await cleaned
      const texts = new Map(await current())
      if (!change(texts)) return
      const written = await writeTemporary(file, layout(texts))
      if (step !== undefined) {
        step.staged()
        if (!(await step.decision)) return void (await unlink(written.path).catch(() => undefined))
      }
      known = undefined
      await replaceWith(file, written.path)
      if (step?.durable !== false) await syncDirectory(dirname(file))
      known = { stamp: written.stamp, texts }
    })
  const stage = (key: string, value: unknown, options: StagedPutOptions): StagedPut => {
    let decide: (commit: boolean) => void = () => undefined
    const decision = new Promise<boolean>((resolve) => {
      decide = resolve
    })
    let staged: () => void = () => undefined
    const ready = new Promise<void>((resolve) => {
      staged = resolve
    })
    const done = update(setEntry(file, key, value), {
      staged,
      decision,
      durable: options.durable,
    })
    done.catch(() => undefined)
    return {
      // Staging failed: `done` rejected before the temporary file was ready.
      ready: Promise.race([ready, done.then(() => undefined)]),
      commit: () => {
        decide(true)
        return done
      },
      abandon: () => {
        decide(false)
        return done.catch(() => undefined)
      },
    }
  }
  const store: StateStore & StagingStore = {
    [STAGE_PUT]: stage,
    get: async (key) => {
      const text = (await current()).get(key)
      return text === undefined ? undefined : (JSON.parse(text) as unknown)
    },
    put: (key, value) => update(setEntry(file, key, value)),
    delete: (key) => update((texts) => texts.delete(key)),
    list: async () => [...(await current()).keys()].sort(),
  }
  return store
}

/** The entries of a store as last seen, and the identity of the file they were seen in. */
interface Known {
  readonly stamp: string
  /** Each key's value as it stands in the file: pretty JSON indented for its place. */
  readonly texts: Map<string, string>
}

/** The file's identity (inode, size, modification time), or undefined if there is no file. */
async function stampOf(file: string): Promise<string | undefined> {
  try {
    const stats = await stat(file, { bigint: true })
    return stampFrom(stats)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    // Unreadable: reading it gives the error that names the file.
    return ''
  }
}

function stampFrom(stats: BigIntStats): string {
  return stats.isFile() ? `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}` : ''
}

/** Indentation of an entry's lines in the file (JSON.stringify(file, null, 2) puts them there). */
const ENTRY_INDENT = '    '

/** The change that sets `key` to `value`. */
function setEntry(
  file: string,
  key: string,
  value: unknown,
): (texts: Map<string, string>) => boolean {
  return (texts) => {
    texts.set(key, entryText(file, key, value))
    return true
  }
}

/** The value as it will stand in the file; a value JSON cannot hold is an error now. */
function entryText(file: string, key: string, value: unknown): string {
  const text = JSON.stringify(value, null, 2)
  if (text === undefined)
    throw new TypeError(
      `fileStateStore ${file}: the value for ${JSON.stringify(key)} cannot be written as JSON`,
    )
  // JSON text holds no raw line break inside a string: every one is between tokens.
  return text.replaceAll('\n', `\n${ENTRY_INDENT}`)
}

function textsOf(state: StateFile): Map<string, string> {
  const texts = new Map<string, string>()
  for (const [key, value] of Object.entries(state.entries))
    texts.set(key, entryText('', key, value))
  return texts
}

/** The whole file, as `JSON.stringify({ version: 1, entries }, null, 2)` lays it out. */
function layout(texts: ReadonlyMap<string, string>): string {
  if (texts.size === 0) return '{\n  "version": 1,\n  "entries": {}\n}\n'
  let body = ''
  for (const [key, text] of texts)
    body += `${body === '' ? '' : ',\n'}${ENTRY_INDENT}${JSON.stringify(key)}: ${text}`
  return `{\n  "version": 1,\n  "entries": {\n${body}\n  }\n}\n`
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

/** Writes `text` to a new temporary file beside `file` and fsyncs it; its path and identity. */
async function writeTemporary(
  file: string,
  text: string,
): Promise<{ readonly path: string; readonly stamp: string }> {
  const path = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  )
  try {
    const handle = await open(path, 'w')
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
      // The inode, size and time the file keeps once renamed into place.
      return { path, stamp: stampFrom(await handle.stat({ bigint: true })) }
    } finally {
      await handle.close()
    }
  } catch (error) {
    await unlink(path).catch(() => undefined)
    throw cannotWrite(file, error)
  }
}

/** Renames the temporary file over `file`: the new state, whole, in one step. */
async function replaceWith(file: string, temporary: string): Promise<void> {
  try {
    await rename(temporary, file)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw cannotWrite(file, error)
  }
}

function cannotWrite(file: string, error: unknown): Error {
  return new Error(`fileStateStore: cannot write the state file ${file}: ${describeError(error)}`, {
    cause: error,
  })
}
