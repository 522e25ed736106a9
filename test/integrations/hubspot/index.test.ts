import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as entry from '../../../src/integrations/hubspot/index.js'

const repo = join(import.meta.dirname, '..', '..', '..')

/** Every package a module imports, following its relative imports through the source tree. */
function packagesReachedFrom(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>()
  if (seen.has(file)) return packages
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
    const target = match[1] as string
    if (target.startsWith('.')) {
      const next = resolve(dirname(file), target.replace(/\.js$/, '.ts'))
      for (const name of packagesReachedFrom(next, seen)) packages.add(name)
    } else packages.add(target)
  }
  return packages
}

describe('powerflow-etl/hubspot', () => {
  it('exports the connection, the source and the sink', () => {
    expect(Object.keys(entry).sort()).toEqual([
      'HubSpotConnection',
      'fromHubSpot',
      'hubspot',
      'toHubSpot',
    ])
  })

  it('is the only entry that loads @hubspot/api-client', () => {
    expect(packagesReachedFrom(join(repo, 'src', 'index.ts'))).not.toContain('@hubspot/api-client')
    expect(packagesReachedFrom(join(repo, 'src', 'testing', 'index.ts'))).not.toContain(
      '@hubspot/api-client',
    )
    expect(packagesReachedFrom(join(repo, 'src', 'integrations', 'hubspot', 'index.ts'))).toContain(
      '@hubspot/api-client',
    )
  })
})
