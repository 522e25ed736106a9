import {
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  jsonLines,
  powerflow,
  temporaryFolder,
  until,
  writePipeline,
} from '../support/powerflowCommand.js'

let folder: { path: string; remove(): void }
const at = (...names: string[]): string => join(folder.path, ...names)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

beforeAll(() => {
  folder = temporaryFolder('cli-watch')
  mkdirSync(at('inbox'))
  mkdirSync(at('out'))
  // Notes each file it is given (so a second processing would show), then converts it to JSON.
  writePipeline(
    folder.path,
    'ingest.ts',
    `import { appendFileSync } from 'node:fs'
import { basename, join } from 'node:path'

export default pf.definePipeline({
  name: 'ingest',
  run: (ctx) => {
    const file = ctx.params['file'] ?? ''
    const out = ctx.params['out'] ?? ''
    appendFileSync(join(out, 'processed.log'), basename(file) + '\\n')
    return pf.pipe(
      pf.fromCsv(file),
      pf.failFast(),
      pf.toJson(join(out, basename(file) + '.json'), { ...ctx.runOptions }),
    )
  },
})`,
  )
})

afterAll(() => folder.remove())

function watcher() {
  return powerflow([
    'watch',
    at('ingest.ts'),
    '--dir',
    at('inbox'),
    '--pattern',
    '*.csv',
    '--poll',
    '100ms',
    '--settle',
    '1s',
    '--param',
    `out=${at('out')}`,
    '--history',
    at('history.jsonl'),
  ])
}

const processed = (): string[] => {
  try {
    return readFileSync(at('out', 'processed.log'), 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

describe('powerflow watch', { timeout: 90_000 }, () => {
  it('runs once per arriving file, after it stopped growing, and exactly once across a restart', async () => {
    writeFileSync(at('inbox', 'a.csv'), 'id\nA1\nA2\n')
    writeFileSync(at('inbox', 'notes.txt'), 'not a CSV file')
    const first = watcher()
    await first.printed('watching')

    writeFileSync(at('inbox', 'b.csv'), 'id\nB1\n')
    // c.csv is still being written while the watcher looks at it: a row every 100 ms.
    const growing = openSync(at('inbox', 'c.csv'), 'w')
    writeSync(growing, 'id\n')
    for (let row = 1; row <= 10; row += 1) {
      await sleep(100)
      writeSync(growing, `C${row}\n`)
    }
    closeSync(growing)
    await until(() => jsonLines(at('history.jsonl')).length === 3, 'three runs')
    first.child.kill('SIGTERM')
    expect(await first.exited()).toBe(0)

    // Arrived while no watcher ran: one good file, one that fails.
    writeFileSync(at('inbox', 'd.csv'), 'id\nD1\n')
    writeFileSync(at('inbox', 'bad.csv'), 'id,amount\nX1,1\nX2\n')
    const second = watcher()
    await until(() => jsonLines(at('history.jsonl')).length === 5, 'five runs')
    second.child.kill('SIGTERM')
    expect(await second.exited()).toBe(0)

    expect([...processed()].sort()).toEqual(['a.csv', 'b.csv', 'bad.csv', 'c.csv', 'd.csv'])
    expect(readdirSync(at('inbox'))).toEqual(['notes.txt'])
    expect(readdirSync(at('done')).sort()).toEqual(['a.csv', 'b.csv', 'c.csv', 'd.csv'])
    expect(readdirSync(at('failed'))).toEqual(['bad.csv'])
    // The file still being written was taken whole.
    const rows = JSON.parse(readFileSync(at('out', 'c.csv.json'), 'utf8')) as unknown[]
    expect(rows).toHaveLength(10)

    const history = jsonLines(at('history.jsonl'))
    const byFile = Object.fromEntries(
      history.map((entry) => [String(entry['file']).split('/').pop(), entry]),
    )
    expect(byFile['c.csv']).toMatchObject({
      name: 'ingest',
      status: 'completed',
      read: 10,
      written: 10,
      file: at('inbox', 'c.csv'),
      movedTo: at('done', 'c.csv'),
    })
    expect(byFile['bad.csv']).toMatchObject({
      status: 'failed',
      movedTo: at('failed', 'bad.csv'),
      failures: [expect.objectContaining({ _tag: 'ParseError' })],
    })
    expect(second.stderr()).toMatch(/ingest failed in [\d.]+ s .* moved to .*failed/)
  })
})
