import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareJob } from '../../../../src/integrations/distributed/internal/compileJob.js'

const directory = mkdtempSync(join(tmpdir(), 'powerflow-compile-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe('prepareJob', () => {
  it('leaves a JavaScript module as it is', async () => {
    const url = pathToFileURL(join(directory, 'job.mjs')).href
    const prepared = await prepareJob(url)
    expect(prepared).toMatchObject({ url, compileMs: 0 })
    expect(prepared.tsx).toBeUndefined()
  })

  it('compiles a TypeScript module with its relative imports into one JavaScript file beside it, removed after', async () => {
    writeFileSync(
      join(directory, 'helper.ts'),
      'export const twice = (n: number): number => n * 2\n',
    )
    writeFileSync(
      join(directory, 'job.ts'),
      "import { twice } from './helper.js'\nimport { basename } from 'node:path'\nexport const build = (n: number): string => basename(`/a/${twice(n)}`)\n",
    )
    const prepared = await prepareJob(pathToFileURL(join(directory, 'job.ts')).href)
    const compiled = fileURLToPath(prepared.url)
    expect(compiled).toMatch(/[\\/]\.job\.ts\.\d+-[0-9a-f]+\.mjs$/)
    expect(prepared.tsx).toBeUndefined()
    expect(prepared.compileMs).toBeGreaterThan(0)
    const loaded = (await import(prepared.url)) as { build: (n: number) => string }
    expect(loaded.build(21)).toBe('42')
    await prepared.remove()
    expect(existsSync(compiled)).toBe(false)
  })

  it('removes the compiled copies that killed processes left behind, not those of running ones', async () => {
    writeFileSync(join(directory, 'left.ts'), 'export const build = 1\n')
    // A pid above Linux's largest is no running process; pid 1 always runs.
    const stale = join(directory, '.left.ts.4194399-0123abcd.mjs')
    const running = join(directory, '.left.ts.1-0123abcd.mjs')
    writeFileSync(stale, '')
    writeFileSync(running, '')
    const prepared = await prepareJob(pathToFileURL(join(directory, 'left.ts')).href)
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(running)).toBe(true)
    await prepared.remove()
  })

  it('falls back to tsx in each thread when the module does not compile', async () => {
    writeFileSync(join(directory, 'broken.ts'), 'export const build = (: number =>\n')
    const prepared = await prepareJob(pathToFileURL(join(directory, 'broken.ts')).href)
    expect(prepared.url).toBe(pathToFileURL(join(directory, 'broken.ts')).href)
    expect(prepared.tsx).toMatch(/^file:.*tsx/)
  })
})
