/**
 * The same 1,500 rows as a CSV file, a JSON array, an NDJSON file and two generators; a sink that
 * takes its time; and a check that a body releases every file descriptor, socket and timer.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { Flow } from '../../src/core/Flow.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromJson } from '../../src/sources/fromJson.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { defineSink } from '../../src/sinks/defineSink.js'
import { activeResources, eventually, openFds } from './ledger.js'

export const COUNT = 1_500

export type Row = { id: string; key: string; amount: string }

/** Writes the rows into `dir` and gives a source of them per kind of source. */
export async function sampleSources(dir: string): Promise<Record<string, () => Flow<Row>>> {
  const rows = Array.from({ length: COUNT }, (_, n) => ({
    id: String(n),
    key: String(n % 7),
    amount: String(n % 10),
  }))
  const csvPath = join(dir, 'in.csv')
  const arrayPath = join(dir, 'in.json')
  const ndjsonPath = join(dir, 'in.ndjson')
  await writeFile(
    csvPath,
    `id,key,amount\n${rows.map((r) => `${r.id},${r.key},${r.amount}`).join('\n')}\n`,
  )
  await writeFile(arrayPath, JSON.stringify(rows))
  await writeFile(ndjsonPath, rows.map((r) => JSON.stringify(r)).join('\n'))
  return {
    fromCsv: () => fromCsv(csvPath) as Flow<Row>,
    'fromJson array': () => fromJson(arrayPath) as Flow<Row>,
    'fromJson NDJSON': () => fromJson(ndjsonPath) as Flow<Row>,
    'fromGenerator sync': () =>
      fromGenerator(function* () {
        for (let n = 0; n < COUNT; n++)
          yield { id: String(n), key: String(n % 7), amount: String(n % 10) }
      }),
    'fromGenerator async': () =>
      fromGenerator(async function* () {
        for (let n = 0; n < COUNT; n++)
          yield { id: String(n), key: String(n % 7), amount: String(n % 10) }
      }),
  }
}

/** The names of the sources `sampleSources` gives, to declare tests before the files exist. */
export const SAMPLE_SOURCES = [
  'fromCsv',
  'fromJson array',
  'fromJson NDJSON',
  'fromGenerator sync',
  'fromGenerator async',
] as const

/** A sink that takes its time: every batch waits a turn of the event loop. */
export const slowSink = defineSink<unknown>({
  name: 'slow',
  batchSize: 4,
  async write() {
    await new Promise((resolve) => setImmediate(resolve))
  },
})

/** Runs `body` and expects every file descriptor, file handle, timer and socket it opened closed. */
export async function withoutLeaks(body: () => Promise<void>): Promise<void> {
  const fdsBefore = await openFds()
  const before = activeResources()
  await body()
  await eventually(async () => (await openFds()) <= fdsBefore)
  expect(await openFds(), 'open file descriptors').toBeLessThanOrEqual(fdsBefore)
  const after = activeResources()
  for (const kind of ['FSReqCallback', 'FileHandle', 'Timeout', 'TCPSocketWrap', 'Immediate'])
    expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0)
}
