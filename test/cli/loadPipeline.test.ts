import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPipeline } from '../../src/cli/loadPipeline.js'
import { UsageError } from '../../src/cli/arguments.js'

let dir: string

const pipelineText = (name: string): string =>
  `{ _tag: 'Pipeline', name: '${name}', run: async () => undefined }`

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'powerflow-load-pipeline-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('loadPipeline', () => {
  it("loads the module's default export", async () => {
    const path = await file('default.mjs', `export default ${pipelineText('nightly')}\n`)
    expect((await loadPipeline(path)).name).toBe('nightly')
  })

  it('loads an export named pipeline when there is no default', async () => {
    const path = await file('named.mjs', `export const pipeline = ${pipelineText('named')}\n`)
    expect((await loadPipeline(path)).name).toBe('named')
  })

  it('refuses a path that is no file, as a usage error naming it', async () => {
    await expect(loadPipeline(join(dir, 'missing.mjs'))).rejects.toThrow(
      new UsageError(`no such pipeline file: ${join(dir, 'missing.mjs')}`),
    )
    await expect(loadPipeline(dir)).rejects.toBeInstanceOf(UsageError)
  })

  it('refuses a module that exports no pipeline, saying how to write one', async () => {
    const path = await file('none.mjs', 'export default { name: 1 }\n')
    await expect(loadPipeline(path)).rejects.toThrow(
      new UsageError(
        `${path} does not export a pipeline: write export default definePipeline({ name, run })`,
      ),
    )
  })

  it('refuses a module that cannot load, naming the file and the error', async () => {
    const path = await file('broken.mjs', 'export default {\n')
    const error = await loadPipeline(path).then(
      () => new Error('expected loadPipeline to reject'),
      (caught: unknown) => caught as Error,
    )
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message.startsWith(`cannot load ${path}: `)).toBe(true)
  })
})
