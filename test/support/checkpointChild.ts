/**
 * The child process of the kill harness (test/laws/killHarness.test.ts): runs
 * `fromCsv → validate → dedupe → toCsv` (or a variant: dedupe keeping the last record, or
 * aggregate → toJson) with checkpoints and `resume: true`, so each start continues where the
 * previous, killed one stopped.
 *
 * Its file system calls are counted: told to (`hangAt`), it stops inside the n-th fsync or rename —
 * the temporary file's, the journal's, the state file's, the final commit's — tells the parent, and
 * waits there to be SIGKILLed, so the harness kills it during fsync and rename, not only between.
 *
 * Argument: a JSON {@link ChildConfig}. Messages (IPC): `{ hang: 'sync' | 'rename', n, path }`,
 * then, if it finishes, `{ done: true, report }`.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { pipe } from 'fp-ts/lib/function.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { validate } from '../../src/operators/validate.js'
import { dedupe } from '../../src/operators/dedupe.js'
import { toCsv } from '../../src/sinks/toCsv.js'
import { toJson } from '../../src/sinks/toJson.js'
import { aggregate } from '../../src/operators/aggregate.js'
import { fileStateStore } from '../../src/state/fileStateStore.js'
import { byEmail, Row, type ChildConfig } from './checkpointPipeline.js'

const config = JSON.parse(process.argv[2] as string) as ChildConfig
const counts = { sync: 0, rename: 0 }

const require = createRequire(import.meta.url)
const fsPromises = require('node:fs/promises') as typeof import('node:fs/promises')
const fs = require('node:fs') as typeof import('node:fs')

/** Counts a call; at the chosen one, tells the parent and never returns. */
async function reached(kind: 'sync' | 'rename', path: string): Promise<void> {
  counts[kind] += 1
  const hang = config.hangAt
  if (hang?.kind !== kind) return
  if ('onto' in hang ? !path.endsWith(hang.onto) : hang.n !== counts[kind]) return
  process.send?.({ hang: kind, n: counts[kind], path })
  await new Promise<never>(() => setInterval(() => undefined, 1_000))
}

const rename = fsPromises.rename
fsPromises.rename = async (from, to) => {
  await reached('rename', String(to))
  return rename(from, to)
}
syncBuiltinESMExports()
const probe = await fsPromises.open(config.input, 'r')
const handlePrototype = Object.getPrototypeOf(probe) as {
  sync(): Promise<void>
  datasync(): Promise<void>
}
await probe.close()
// fsync and fdatasync alike: both are where a kill finds data half on the disk.
const sync = handlePrototype.sync
handlePrototype.sync = async function (this: unknown) {
  await reached('sync', 'a file handle')
  return sync.call(this)
}
const datasync = handlePrototype.datasync
handlePrototype.datasync = async function (this: unknown) {
  await reached('sync', 'a file handle (data)')
  return datasync.call(this)
}
const fsync = fs.fsync
fs.fsync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
  reached('sync', 'a file descriptor').then(
    () => fsync(fd, callback),
    () => undefined,
  )
}) as typeof fs.fsync

const options = {
  state: { store: fileStateStore(config.stateFile), key: 'import' },
  checkpoint: { everyRecords: config.everyRecords },
  resume: true,
}
const rows = pipe(fromCsv(config.input), validate(Row))
const report =
  config.variant === 'aggregate'
    ? await pipe(rows, aggregate(byEmail), toJson(config.output, options))
    : await pipe(
        rows,
        dedupe({ key: 'email', keep: config.variant === 'dedupe-last' ? 'last' : 'first' }),
        toCsv(config.output, { ...options, lineEnding: '\n' }),
      )
process.send?.({
  done: true,
  report: {
    read: report.read,
    written: report.written,
    dropped: report.dropped,
    failed: report.failed,
    resumedFrom: report.resumedFrom,
  },
})
process.disconnect?.()
