import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

const root = join(import.meta.dirname, '..', '..', 'src')

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : [],
  )
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
    (match) => match[1] ?? '',
  )
}

describe('the layering', () => {
  it('keeps core and internal machinery free of sources, operators and sinks', () => {
    const offenders: string[] = []
    for (const folder of ['core', 'internal']) {
      for (const file of filesUnder(join(root, folder))) {
        for (const target of importsOf(file)) {
          if (/\/(sources|operators|sinks|policies|integrations|testing)\//.test(target))
            offenders.push(`${relative(root, file)} imports ${target}`)
        }
      }
    }
    expect(offenders).toEqual([])
  })

  it('keeps public sources, operators, policies, sinks and integrations out of the run context', () => {
    // A stage counts through its handle (internal/run/StageHandle.ts, given by the stage
    // machinery): it never imports the run context, its ledger or the lookup of the current run.
    const runInternals = /(^|\/)internal\/(RunContext|run\/(?!StageHandle)[A-Za-z]+)\.js$/
    const offenders: string[] = []
    for (const folder of ['sources', 'operators', 'policies', 'sinks', 'integrations']) {
      for (const file of filesUnder(join(root, folder))) {
        const name = relative(root, file)
        for (const target of importsOf(file)) {
          const resolved = join(dirname(file), target)
          if (runInternals.test(relative(root, resolved)))
            offenders.push(`${name} imports ${target}`)
        }
      }
    }
    expect(offenders).toEqual([])
  })

  it('never reaches into rxjs internals', () => {
    const offenders = filesUnder(root).filter((file) =>
      importsOf(file).some((target) => target.startsWith('rxjs/internal')),
    )
    expect(offenders).toEqual([])
  })
})
