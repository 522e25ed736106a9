import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * The packages a module graph loads, found statically from `entry` by following relative imports
 * (static, dynamic and re-exports; type-only imports included, which only errs on the safe side).
 */
function packagesImportedFrom(entry: string): Map<string, string> {
  const packages = new Map<string, string>() // package → first file importing it
  const seen = new Set<string>()
  const queue = [resolve(root, entry)]
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue
    seen.add(file)
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.'))
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
      else {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : (specifier.split('/')[0] ?? specifier)
        if (!packages.has(name)) packages.set(name, file.slice(root.length + 1))
      }
    }
  }
  return packages
}

const testOnly = ['vitest', 'fast-check', '@fast-check/vitest']

describe('the main entry point', () => {
  it('never loads vitest or fast-check, which are peer dependencies of powerflow/testing only', () => {
    const packages = packagesImportedFrom('src/index.ts')
    expect(packages.has('rxjs')).toBe(true) // the scan sees packages at all
    const offending = testOnly
      .filter((name) => packages.has(name))
      .map((name) => `${name} (imported by ${packages.get(name)})`)
    expect(offending).toEqual([])
  })
})

describe('powerflow-etl/testing', () => {
  it('loads fast-check (its one optional peer) and never vitest', () => {
    const packages = packagesImportedFrom('src/testing/index.ts')
    expect(packages.has('rxjs')).toBe(true) // the scan sees packages at all
    expect(packages.has('fast-check')).toBe(true)
    expect(packages.has('vitest')).toBe(false)
    expect(packages.has('@fast-check/vitest')).toBe(false)
  })
})

describe('powerflow-etl/salesforce', () => {
  it('is the only entry point that loads jsforce', () => {
    expect(packagesImportedFrom('src/index.ts').has('jsforce')).toBe(false)
    expect(packagesImportedFrom('src/testing/index.ts').has('jsforce')).toBe(false)
    expect(packagesImportedFrom('src/integrations/salesforce/index.ts').has('jsforce')).toBe(true)
  })
})
