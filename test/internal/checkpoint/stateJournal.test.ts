import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StateJournal } from '../../../src/internal/checkpoint/stateJournal.js'

let directory: string
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'powerflow-journal-'))
})
afterEach(async () => {
  await rm(directory, { recursive: true, force: true })
})

describe('StateJournal', () => {
  it('appends entries and reads back those within the saved length, cutting off the rest', async () => {
    const path = join(directory, 'journal')
    const journal = StateJournal.fresh(path)
    expect(journal.append([]).bytes).toBe(0)
    const appended = journal.append([{ stage: 'dedupe', change: ['a', 1] }])
    // The length is known at once, before the entries are written.
    const first = appended.bytes
    expect(first).toBe('{"stage":"dedupe","change":["a",1]}\n'.length)
    await appended.durable
    await journal.append([{ stage: 'dedupe', change: ['b'] }]).durable
    await journal.close()
    // A killed run wrote half a line after the last checkpoint.
    await appendFile(path, '{"stage":"ded')
    const resumed = await StateJournal.resume(path, first)
    expect(resumed.entries).toEqual([{ stage: 'dedupe', change: ['a', 1] }])
    expect((await stat(path)).size).toBe(first)
    const next = resumed.journal.append([{ stage: 'dedupe', change: ['c'] }])
    await next.durable
    expect(next.bytes).toBe((await stat(path)).size)
    expect(next.bytes).toBeGreaterThan(first)
    await resumed.journal.remove()
    await expect(stat(path)).rejects.toThrow()
  })

  it('counts its length in UTF-8 bytes, whatever the text holds, and reads it back', async () => {
    const path = join(directory, 'journal')
    const journal = StateJournal.fresh(path)
    const keys = ['é', '😀 emoji', '中文', 'a\nb', '\u2028', 'x'.repeat(10_000)]
    const first = journal.append([{ stage: 'dedupe', change: keys }])
    await first.durable
    // The buffer of the first append is used again by the next: a shorter text must not leave
    // bytes of the longer one behind.
    const second = journal.append([{ stage: 'dedupe', change: ['ü'] }])
    await second.durable
    expect(second.bytes).toBe((await stat(path)).size)
    await journal.close()
    const resumed = await StateJournal.resume(path, second.bytes)
    expect(resumed.entries).toEqual([
      { stage: 'dedupe', change: keys },
      { stage: 'dedupe', change: ['ü'] },
    ])
    await resumed.journal.close()
  })

  it('is created only with the first entries', async () => {
    const path = join(directory, 'journal')
    const resumed = await StateJournal.resume(path, 0)
    expect(resumed.entries).toEqual([])
    await resumed.journal.append([{ stage: 's', change: 1 }]).durable
    expect(await readFile(path, 'utf8')).toBe('{"stage":"s","change":1}\n')
    await resumed.journal.close()
  })

  it('names the journal when it is missing or shorter than the checkpoint says', async () => {
    const path = join(directory, 'journal')
    await expect(StateJournal.resume(path, 10)).rejects.toThrow(
      `checkpoint: cannot open the state journal ${path}`,
    )
    await appendFile(path, 'abc\n')
    await expect(StateJournal.resume(path, 10)).rejects.toThrow(
      `the state journal ${path} holds 4 bytes, fewer than the 10 the checkpoint saved`,
    )
  })
})
