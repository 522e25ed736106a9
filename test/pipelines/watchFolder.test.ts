import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipe } from 'fp-ts/lib/function.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { definePipeline } from '../../src/pipelines/definePipeline.js'
import { watchFolder } from '../../src/pipelines/watchFolder.js'
import { fromCsv } from '../../src/sources/fromCsv.js'
import { fromGenerator } from '../../src/sources/fromGenerator.js'
import { failFast } from '../../src/policies/failFast.js'
import { toArray } from '../../src/sinks/toArray.js'

let base: string
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'powerflow-watch-'))
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10))
}

const rows = definePipeline({
  name: 'rows',
  run: (ctx) => pipe(fromCsv(ctx.params['file'] ?? ''), failFast(), toArray({ ...ctx.runOptions })),
})

const timings = { pollMs: 20, settleMs: 60 }

describe('watchFolder', { timeout: 20_000 }, () => {
  it('runs once per file with its path, then moves it to done or failed beside the inbox', async () => {
    const inbox = join(base, 'inbox')
    mkdirSync(inbox)
    writeFileSync(join(inbox, 'waiting.csv'), 'id\n1\n2\n')
    writeFileSync(join(inbox, 'skip.txt'), 'not matched')
    writeFileSync(join(inbox, '.hidden.csv'), 'id\n1\n')
    const job = watchFolder(rows, {
      dir: inbox,
      pattern: '*.{csv,tsv}',
      params: { x: '1' },
      ...timings,
    })
    writeFileSync(join(inbox, 'broken.tsv'), 'id,amount\n1\n')
    await until(() => job.history.length === 2)
    await job.stop()

    const byFile = Object.fromEntries(job.history.map((entry) => [entry.file, entry]))
    expect(byFile[join(inbox, 'waiting.csv')]).toMatchObject({
      status: 'completed',
      written: 2,
      movedTo: join(base, 'done', 'waiting.csv'),
    })
    expect(byFile[join(inbox, 'broken.tsv')]).toMatchObject({
      status: 'failed',
      movedTo: join(base, 'failed', 'broken.tsv'),
    })
    expect(readdirSync(inbox).sort()).toEqual(['.hidden.csv', 'skip.txt'])
    expect(job.nextRun).toBeNull()
  })

  it('never overwrites a file of the same name already in done', async () => {
    const inbox = join(base, 'in')
    const done = join(base, 'archive')
    mkdirSync(done, { recursive: true })
    writeFileSync(join(done, 'deals.csv'), 'yesterday')
    const job = watchFolder(rows, { dir: inbox, doneDir: done, ...timings })
    await until(() => existsSync(inbox))
    writeFileSync(join(inbox, 'deals.csv'), 'id\n1\n')
    await until(() => job.history.length === 1)
    await job.stop()

    const names = readdirSync(done).sort()
    expect(names).toHaveLength(2)
    expect(names).toContain('deals.csv')
    expect(names.find((name) => name !== 'deals.csv')).toMatch(/^deals\.\d{4}-.*\.csv$/)
    expect(job.history[0]?.movedTo).toMatch(/archive\/deals\.\d{4}-.*\.csv$/)
  })

  it('leaves the file of a run aborted by stop in the inbox, for the next start', async () => {
    const inbox = join(base, 'inbox')
    mkdirSync(inbox)
    writeFileSync(join(inbox, 'big.csv'), 'id\n1\n')
    const endless = definePipeline({
      name: 'endless',
      run: (ctx) =>
        pipe(
          fromGenerator(async function* () {
            for (;;) {
              yield 1
              await new Promise((resolve) => setTimeout(resolve, 5))
            }
          }),
          toArray({ ...ctx.runOptions }),
        ),
    })
    const job = watchFolder(endless, { dir: inbox, ...timings })
    await until(() => job.running)
    await job.stop({ graceMs: 10 })

    expect(job.history).toEqual([
      expect.objectContaining({ status: 'aborted', file: join(inbox, 'big.csv') }),
    ])
    expect(job.history[0]?.movedTo).toBeUndefined()
    expect(readdirSync(inbox)).toEqual(['big.csv'])
    expect(existsSync(join(base, 'done'))).toBe(false)
  })

  it('refuses a pattern with a path or an unclosed group', () => {
    expect(() => watchFolder(rows, { dir: base, pattern: 'sub/*.csv' })).toThrow(
      'pattern "sub/*.csv" must name files, not paths',
    )
    expect(() => watchFolder(rows, { dir: base, pattern: '*.{csv' })).toThrow('without its "}"')
  })
})
